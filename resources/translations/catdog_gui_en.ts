<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>DataPanel</name>
    <message numerus="yes">
        <source>&lt;b&gt;%Ln&lt;/b&gt; more are set aside (see below).</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; more is set aside (see below).</numerusform>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; more are set aside (see below).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message numerus="yes">
        <source>%n photo(s) could not be read.</source>
        <translation>
            <numerusform>%n photo could not be read.</numerusform>
            <numerusform>%n photos could not be read.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) of %1 the model called %2; click to see them</source>
        <translation>
            <numerusform>%n photo of %1 the model called %2; click to see them</numerusform>
            <numerusform>%n photos of %1 the model called %2; click to see them</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PredictorPanel</name>
    <message numerus="yes">
        <source>%n photo(s): %1</source>
        <translation>
            <numerusform>%n photo: %1</numerusform>
            <numerusform>%n photos: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) skipped</source>
        <translation>
            <numerusform>%n file skipped</numerusform>
            <numerusform>%n files skipped</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 and %n more</numerusform>
            <numerusform>%1 and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Skipped %n file(s): %1.</source>
        <translation>
            <numerusform>Skipped %n file: %1.</numerusform>
            <numerusform>Skipped %n files: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n result(s) to %1.</source>
        <translation>
            <numerusform>Saved %n result to %1.</numerusform>
            <numerusform>Saved %n results to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message numerus="yes">
        <source>%n run(s) (%1 running elsewhere), kept in %2</source>
        <translation>
            <numerusform>%n run (%1 running elsewhere), kept in %2</numerusform>
            <numerusform>%n runs (%1 running elsewhere), kept in %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s), kept in %1</source>
        <translation>
            <numerusform>%n run, kept in %1</numerusform>
            <numerusform>%n runs, kept in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run folder(s) with their models?</source>
        <translation>
            <numerusform>Delete %n run folder with its model?</numerusform>
            <numerusform>Delete %n run folders with their models?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message numerus="yes">
        <source>Makes a new folder with train/, validation/ and test/ (links to your photos, no copies where the disk allows). The smallest class has %Ln images; counts are per class.</source>
        <translation>
            <numerusform>Makes a new folder with train/, validation/ and test/ (links to your photos, no copies where the disk allows). The smallest class has %Ln image; counts are per class.</numerusform>
            <numerusform>Makes a new folder with train/, validation/ and test/ (links to your photos, no copies where the disk allows). The smallest class has %Ln images; counts are per class.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message numerus="yes">
        <source>Training on %n GPUs in a separate process…</source>
        <translation>
            <numerusform>Training on %n GPU in a separate process…</numerusform>
            <numerusform>Training on %n GPUs in a separate process…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Training on %n GPUs in a separate process; its curves appear in step 6 (Runs) as it runs.</source>
        <translation>
            <numerusform>Training on %n GPU in a separate process; its curves appear in step 6 (Runs) as it runs.</numerusform>
            <numerusform>Training on %n GPUs in a separate process; its curves appear in step 6 (Runs) as it runs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The run on %n GPUs finished: its results are in step 6 (Runs).</source>
        <translation>
            <numerusform>The run on %n GPU finished: its results are in step 6 (Runs).</numerusform>
            <numerusform>The run on %n GPUs finished: its results are in step 6 (Runs).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n epoch</numerusform>
            <numerusform>%n epochs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Stopped after %n epoch in %1</numerusform>
            <numerusform>Stopped after %n epochs in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped early (no progress) after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Stopped early (no progress) after %n epoch in %1</numerusform>
            <numerusform>Stopped early (no progress) after %n epochs in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finished after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Finished after %n epoch in %1</numerusform>
            <numerusform>Finished after %n epochs in %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accessible</name>
    <message numerus="yes">
        <source>true %1, predicted %2: %n photo(s)</source>
        <translation>
            <numerusform>true %1, predicted %2: %n photo</numerusform>
            <numerusform>true %1, predicted %2: %n photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>data_panel</name>
    <message numerus="yes">
        <source>%Ln photos are set aside: %1.</source>
        <translation>
            <numerusform>%Ln photo is set aside: %1.</numerusform>
            <numerusform>%Ln photos are set aside: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>notifier</name>
    <message numerus="yes">
        <source>validation accuracy %1 after %n epoch(s)</source>
        <translation>
            <numerusform>validation accuracy %1 after %n epoch</numerusform>
            <numerusform>validation accuracy %1 after %n epochs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strategy_panel</name>
    <message numerus="yes">
        <source>%1, %n cores</source>
        <translation>
            <numerusform>%1, %n core</numerusform>
            <numerusform>%1, %n cores</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>CPU (%n threads)</source>
        <translation>
            <numerusform>CPU (%n thread)</numerusform>
            <numerusform>CPU (%n threads)</numerusform>
        </translation>
    </message>
</context>
</TS>
