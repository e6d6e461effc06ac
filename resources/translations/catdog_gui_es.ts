<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>Banner</name>
    <message>
        <source>Hide this message</source>
        <translation>Ocultar este mensaje</translation>
    </message>
</context>
<context>
    <name>ChildRun</name>
    <message>
        <source>the training process ended with exit status %1</source>
        <translation>el proceso de entrenamiento terminó con el código de salida %1</translation>
    </message>
    <message>
        <source>the training process could not start: %1</source>
        <translation>el proceso de entrenamiento no pudo iniciarse: %1</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <source>1  Your photos</source>
        <translation>1  Las fotos</translation>
    </message>
    <message>
        <source>Choose a folder of photos (or drop one on the window). It may hold train/, validation/ and test/ folders, one folder per class, or files named like cat.12.jpg.</source>
        <translation>Elegir una carpeta de fotos (o soltarla sobre la ventana). Puede contener carpetas train/, validation/ y test/, una carpeta por clase o archivos con nombres como cat.12.jpg.</translation>
    </message>
    <message>
        <source>&amp;Choose folder…</source>
        <translation>Ele&amp;gir carpeta…</translation>
    </message>
    <message>
        <source>Split into train/&amp;validation/test…</source>
        <translation>Dividir en train/&amp;validation/test…</translation>
    </message>
    <message>
        <source>&amp;Images per class</source>
        <translation>I&amp;mágenes por clase</translation>
    </message>
    <message>
        <source>Images per class</source>
        <translation>Imágenes por clase</translation>
    </message>
    <message>
        <source>Bar length: share of the largest class in the same column.</source>
        <translation>Longitud de la barra: proporción respecto a la clase mayor de la misma columna.</translation>
    </message>
    <message>
        <source>Files left &amp;out</source>
        <translation>Archivos &amp;omitidos</translation>
    </message>
    <message>
        <source>Files left out</source>
        <translation>Archivos omitidos</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>None: every file in the folder can be used.</source>
        <translation>Ninguno: todos los archivos de la carpeta se pueden usar.</translation>
    </message>
    <message>
        <source>Sample training &amp;photos</source>
        <translation>&amp;Fotos de entrenamiento de muestra</translation>
    </message>
    <message>
        <source>Sample training photos</source>
        <translation>Fotos de entrenamiento de muestra</translation>
    </message>
    <message>
        <source>Drop a folder of photos here, or click &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Soltar aquí una carpeta de fotos o pulsar &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Any of these layouts works:</source>
        <translation>Sirve cualquiera de estas estructuras:</translation>
    </message>
    <message>
        <source>split already</source>
        <translation>ya dividida</translation>
    </message>
    <message>
        <source>one folder per class</source>
        <translation>una carpeta por clase</translation>
    </message>
    <message>
        <source>class in the file name</source>
        <translation>clase en el nombre del archivo</translation>
    </message>
    <message>
        <source>Photos to train on</source>
        <translation>Fotos con las que entrenar</translation>
    </message>
    <message>
        <source>Use &amp;every photo</source>
        <translation>Usar to&amp;das las fotos</translation>
    </message>
    <message>
        <source>Use the &amp;lecture&apos;s subset</source>
        <translation>Usar el subconjunto de la &amp;lección</translation>
    </message>
    <message>
        <source>The photos cannot change while a run trains on them; stop it first.</source>
        <translation>Las fotos no pueden cambiar mientras un entrenamiento las usa; primero hay que detenerlo.</translation>
    </message>
    <message>
        <source>Reading %1 …</source>
        <translation>Leyendo %1 …</translation>
    </message>
    <message>
        <source>Choose a folder of photos</source>
        <translation>Elegir una carpeta de fotos</translation>
    </message>
    <message>
        <source>Writing the split to %1 …</source>
        <translation>Escribiendo la división en %1 …</translation>
    </message>
    <message>
        <source>No folder chosen yet.</source>
        <translation>Aún no se ha elegido ninguna carpeta.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layout:&lt;/b&gt; %1.</source>
        <translation>&lt;b&gt;Estructura:&lt;/b&gt; %1.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; usable images in &lt;b&gt;%2&lt;/b&gt; classes: %3.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; imágenes utilizables en &lt;b&gt;%2&lt;/b&gt; clases: %3.</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%Ln&lt;/b&gt; more are set aside (see below).</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; más está apartada (ver abajo).</numerusform>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; más están apartadas (ver abajo).</numerusform>
        </translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Files left &amp;out (%1)</source>
        <translation>Archivos &amp;omitidos (%1)</translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message>
        <source>Also ask about the &amp;mirror image (test-time augmentation)</source>
        <translation>Consultar también la imagen en espe&amp;jo (aumento en tiempo de prueba)</translation>
    </message>
    <message>
        <source>The model also sees each photo mirrored left-right, and the two answers&apos; probabilities are averaged: usually as accurate or a little more, but slower, since the model looks at every photo twice. The model itself is unchanged.</source>
        <translation>El modelo ve también cada foto reflejada de izquierda a derecha, y se promedian las probabilidades de las dos respuestas: suele ser igual de exacto o algo más, pero más lento, porque el modelo mira cada foto dos veces. El modelo en sí no cambia.</translation>
    </message>
    <message>
        <source>4  How good is it?</source>
        <translation>4  ¿Qué tal funciona?</translation>
    </message>
    <message>
        <source>The model is measured on test photos it never saw while learning. Click a cell of the table to see the photos in it.</source>
        <translation>El modelo se mide con fotos de prueba que nunca vio mientras aprendía. Hacer clic en una celda de la tabla para ver sus fotos.</translation>
    </message>
    <message>
        <source>Train a model (step 3) or open one to see how it does.</source>
        <translation>Entrenar un modelo (paso 3) o abrir uno para ver qué tal funciona.</translation>
    </message>
    <message>
        <source>&amp;Evaluate on another folder…</source>
        <translation>Evaluar en &amp;otra carpeta…</translation>
    </message>
    <message>
        <source>A folder with one subfolder of photos per class, or with test/ inside</source>
        <translation>Una carpeta con una subcarpeta de fotos por clase, o con test/ dentro</translation>
    </message>
    <message>
        <source>%1 Switching it evaluates again.</source>
        <translation>%1 Al cambiarlo, se evalúa de nuevo.</translation>
    </message>
    <message>
        <source>&amp;Accuracy</source>
        <translation>E&amp;xactitud</translation>
    </message>
    <message>
        <source>Accuracy per class</source>
        <translation>Exactitud por clase</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>Recognised (recall)</source>
        <translation>Reconocidas (exhaustividad)</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Precisión</translation>
    </message>
    <message>
        <source>Of the photos of this class, the share the model recognised: its accuracy on the class</source>
        <translation>De las fotos de esta clase, la proporción que el modelo reconoció: su exactitud en la clase</translation>
    </message>
    <message>
        <source>Of the photos the model called this class, the share that are; 0 when it never chose the class</source>
        <translation>De las fotos que el modelo asignó a esta clase, la proporción que lo son; 0 si nunca eligió la clase</translation>
    </message>
    <message>
        <source>Balanced accuracy: the mean of the classes&apos; recall, so that a large class cannot hide a poor small one. A class far below the others needs more or better photos.</source>
        <translation>Exactitud equilibrada: la media de la exhaustividad de las clases, para que una clase grande no oculte una pequeña con malos resultados. Una clase muy por debajo de las demás necesita más fotos o fotos mejores.</translation>
    </message>
    <message>
        <source>Accuracy: the share of photos the model classified correctly. Recall: the share of a class&apos;s photos it recognised. Precision: of the photos it called that class, the share that are.</source>
        <translation>Exactitud: la proporción de fotos que el modelo clasificó bien. Exhaustividad: la proporción de las fotos de una clase que reconoció. Precisión: de las fotos que asignó a esa clase, la proporción que lo son.</translation>
    </message>
    <message>
        <source>&amp;Confusion matrix: rows are the true class, columns what the model said</source>
        <translation>&amp;Matriz de confusión: filas, la clase real; columnas, lo que dijo el modelo</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>Matriz de confusión</translation>
    </message>
    <message>
        <source>Rows are the true class, columns what the model said. Move between the cells with the arrow keys to see their photos.</source>
        <translation>Las filas son la clase real; las columnas, lo que dijo el modelo. Las flechas del teclado pasan de una celda a otra para ver sus fotos.</translation>
    </message>
    <message>
        <source>Photos in the chosen cell</source>
        <translation>Fotos de la celda elegida</translation>
    </message>
    <message>
        <source>Click a cell of the confusion matrix to see its photos.</source>
        <translation>Hacer clic en una celda de la matriz de confusión para ver sus fotos.</translation>
    </message>
    <message>
        <source>Most confident mistakes</source>
        <translation>Errores con más confianza</translation>
    </message>
    <message>
        <source>No mistakes on these photos.</source>
        <translation>Ningún error en estas fotos.</translation>
    </message>
    <message>
        <source>Evaluating %1 on %2 (each photo also mirrored) …</source>
        <translation>Evaluando %1 con %2 (cada foto también reflejada)…</translation>
    </message>
    <message>
        <source>Evaluating %1 on %2 …</source>
        <translation>Evaluando %1 con %2…</translation>
    </message>
    <message>
        <source>Folder of labelled photos (one subfolder per class)</source>
        <translation>Carpeta de fotos etiquetadas (una subcarpeta por clase)</translation>
    </message>
    <message>
        <source>The evaluation failed: %1</source>
        <translation>La evaluación ha fallado: %1</translation>
    </message>
    <message>
        <source>No evaluation to show.</source>
        <translation>No hay ninguna evaluación que mostrar.</translation>
    </message>
    <message>
        <source>Photos in the chosen cell: click a cell above</source>
        <translation>Fotos de la celda elegida: hacer clic en una celda de arriba</translation>
    </message>
    <message>
        <source>Model %1&lt;br&gt;measured on the test photos of %2 (on %3).</source>
        <translation>Modelo %1&lt;br&gt;medido con las fotos de prueba de %2 (en %3).</translation>
    </message>
    <message>
        <source>Model %1&lt;br&gt;measured on the validation photos (this dataset has no test photos) of %2 (on %3).</source>
        <translation>Modelo %1&lt;br&gt;medido con las fotos de validación de %2, que no tiene fotos de prueba (en %3).</translation>
    </message>
    <message>
        <source>Model %1&lt;br&gt;measured on the photos of the folder %2 (on %3).</source>
        <translation>Modelo %1&lt;br&gt;medido con las fotos de la carpeta %2 (en %3).</translation>
    </message>
    <message>
        <source>%1, each photo also seen mirrored</source>
        <translation>%1, cada foto vista también reflejada</translation>
    </message>
    <message>
        <source>Test accuracy: %1</source>
        <translation>Exactitud en prueba: %1</translation>
    </message>
    <message>
        <source>Validation accuracy: %1</source>
        <translation>Exactitud en validación: %1</translation>
    </message>
    <message>
        <source>Accuracy: %1</source>
        <translation>Exactitud: %1</translation>
    </message>
    <message>
        <source>%1 of %2 photos classified correctly. Balanced accuracy: %3.</source>
        <translation>%1 de %2 fotos clasificadas correctamente. Exactitud equilibrada: %3.</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) could not be read.</source>
        <translation>
            <numerusform>No se ha podido leer %n foto.</numerusform>
            <numerusform>No se han podido leer %n fotos.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, recognised %2</source>
        <translation>%1, reconocidas %2</translation>
    </message>
    <message>
        <source>%1, precision %2</source>
        <translation>%1, precisión %2</translation>
    </message>
    <message>
        <source>said %1</source>
        <comment>a column: what the model said</comment>
        <translation>dijo %1</translation>
    </message>
    <message>
        <source>is %1</source>
        <comment>a row: the true class</comment>
        <translation>es %1</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) of %1 the model called %2; click to see them</source>
        <translation>
            <numerusform>%n foto de %1 clasificada como %2; hacer clic para verla</numerusform>
            <numerusform>%n fotos de %1 clasificadas como %2; hacer clic para verlas</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of the photos of %2</source>
        <translation>%1 de las fotos de %2</translation>
    </message>
    <message>
        <source>Most confident mistakes (%1 in all)</source>
        <translation>Errores con más confianza (%1 en total)</translation>
    </message>
    <message>
        <source>Most confident mistakes: none</source>
        <translation>Errores con más confianza: ninguno</translation>
    </message>
    <message>
        <source>%1 → %2
%3 sure</source>
        <translation>%1 → %2
%3 de confianza</translation>
    </message>
    <message>
        <source>%1
is %2, the model said %3 (%4)</source>
        <translation>%1
es %2, el modelo dijo %3 (%4)</translation>
    </message>
    <message>
        <source>%1, is %2, the model said %3, %4 sure</source>
        <translation>%1, es %2, el modelo dijo %3, con un %4 de confianza</translation>
    </message>
    <message>
        <source>Photos of %1 the model called %2 (%3)</source>
        <translation>Fotos de %1 clasificadas como %2 (%3)</translation>
    </message>
    <message>
        <source>Photos of %1 recognised as %2 (%3)</source>
        <translation>Fotos de %1 reconocidas como %2 (%3)</translation>
    </message>
    <message>
        <source>%1, first %2 shown</source>
        <translation>%1; se muestran las %2 primeras</translation>
    </message>
    <message>
        <source>%1, is %2, the model said %3</source>
        <translation>%1, es %2, el modelo dijo %3</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>Predeterminado del sistema (%1)</translation>
    </message>
    <message>
        <source>The new language (%1) is used from the next start.</source>
        <translation>El nuevo idioma (%1) se usará a partir del próximo inicio.</translation>
    </message>
    <message>
        <source>Language changed</source>
        <translation>Idioma cambiado</translation>
    </message>
    <message>
        <source>&amp;Restart now</source>
        <translation>&amp;Reiniciar ahora</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>&amp;Más tarde</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Photos</source>
        <translation>Fotos</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>Estrategia</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Entrenar</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Evaluar</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>Clasificar</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Entrenamientos</translation>
    </message>
    <message>
        <source>Where training and predictions run</source>
        <translation>Dónde se ejecutan el entrenamiento y las predicciones</translation>
    </message>
    <message>
        <source>⚠ NVIDIA GPU not usable</source>
        <translation>⚠ GPU NVIDIA no utilizable</translation>
    </message>
    <message>
        <source>catdog-gui: teach the computer to tell your photos apart</source>
        <translation>catdog-gui: enseñar al ordenador a distinguir fotos</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Pasos</translation>
    </message>
    <message>
        <source>← &amp;Back</source>
        <translation>← A&amp;trás</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>&amp;Next →</source>
        <translation>&amp;Siguiente →</translation>
    </message>
    <message>
        <source>Device: detecting…</source>
        <translation>Dispositivo: detectando…</translation>
    </message>
    <message>
        <source>Step %1: %2</source>
        <translation>Paso %1: %2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Open &amp;dataset…</source>
        <translation>Abrir conjunto de &amp;datos…</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>Abrir &amp;modelo…</translation>
    </message>
    <message>
        <source>&amp;Export model…</source>
        <translation>&amp;Exportar modelo…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>&amp;About catdog-gui</source>
        <translation>&amp;Acerca de catdog-gui</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Ir</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a step, then its keyboard shortcut</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Keyboard shortcut %1</source>
        <translation>Atajo de teclado %1</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>&amp;Entrenamiento</translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation>&amp;Iniciar entrenamiento</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausar</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>&amp;Detener</translation>
    </message>
    <message>
        <source>Keyboard shortcut: %1</source>
        <translation>Atajo de teclado: %1</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Configuración</translation>
    </message>
    <message>
        <source>Loading the training engine…</source>
        <translation>Cargando el motor de entrenamiento…</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Dispositivo: %1</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Listo.</translation>
    </message>
    <message>
        <source>Device: %1 — %2</source>
        <translation>Dispositivo: %1 — %2</translation>
    </message>
    <message>
        <source>Device: unavailable</source>
        <translation>Dispositivo: no disponible</translation>
    </message>
    <message>
        <source>%1

The photos can still be browsed; training and predicting need a working PyTorch installation.</source>
        <translation>%1

Las fotos se pueden seguir explorando; para entrenar y predecir hace falta una instalación de PyTorch que funcione.</translation>
    </message>
    <message>
        <source>The training engine could not be loaded</source>
        <translation>No se ha podido cargar el motor de entrenamiento</translation>
    </message>
    <message>
        <source>&amp;Next: %1 →</source>
        <translation>&amp;Siguiente: %1 →</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>Siguiente: %1</translation>
    </message>
    <message>
        <source>Next, choose how to train.</source>
        <translation>Ahora, elegir cómo entrenar.</translation>
    </message>
    <message>
        <source>Start here: choose a folder of photos.</source>
        <translation>Empezar aquí: elegir una carpeta de fotos.</translation>
    </message>
    <message>
        <source>Next, start training.</source>
        <translation>Ahora, iniciar el entrenamiento.</translation>
    </message>
    <message>
        <source>Choose your photos first (step 1).</source>
        <translation>Primero, elegir las fotos (paso 1).</translation>
    </message>
    <message>
        <source>Training… you can look at the other steps meanwhile.</source>
        <translation>Entrenando… mientras tanto, se pueden ver los demás pasos.</translation>
    </message>
    <message>
        <source>Press Start to train.</source>
        <translation>Pulsar «Iniciar entrenamiento» para entrenar.</translation>
    </message>
    <message>
        <source>Train a model first (step 3), or open a saved one (File ▸ Open model).</source>
        <translation>Primero, entrenar un modelo (paso 3) o abrir uno guardado (Archivo ▸ Abrir modelo).</translation>
    </message>
    <message>
        <source>Drop photos here to classify them.</source>
        <translation>Soltar fotos aquí para clasificarlas.</translation>
    </message>
    <message>
        <source>A model is needed: train one or open one.</source>
        <translation>Hace falta un modelo: entrenar uno o abrir uno.</translation>
    </message>
    <message>
        <source>Select runs to compare their curves.</source>
        <translation>Seleccionar entrenamientos para comparar sus curvas.</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>Cargado: %1</translation>
    </message>
    <message>
        <source>These settings cannot be used</source>
        <translation>Esta configuración no se puede usar</translation>
    </message>
    <message>
        <source>Training on %1 GPUs in a separate process…</source>
        <translation>Entrenando en %1 GPU en un proceso aparte…</translation>
    </message>
    <message>
        <source>Cannot continue now</source>
        <translation>Ahora no se puede continuar</translation>
    </message>
    <message>
        <source>This run cannot be continued</source>
        <translation>Este entrenamiento no se puede continuar</translation>
    </message>
    <message>
        <source>Cannot train more now</source>
        <translation>Ahora no se puede seguir entrenando</translation>
    </message>
    <message>
        <source>This model cannot be trained more</source>
        <translation>Este modelo no se puede seguir entrenando</translation>
    </message>
    <message>
        <source>The next run starts from %1</source>
        <translation>El próximo entrenamiento parte de %1</translation>
    </message>
    <message>
        <source>Wait until the training engine is loaded and no run is going on.</source>
        <translation>Esperar a que el motor de entrenamiento esté cargado y no haya ningún entrenamiento en curso.</translation>
    </message>
    <message>
        <source>Training a model more: choose photos of every class it knows (new classes are welcome), then Next.</source>
        <translation>Seguir entrenando un modelo: elegir fotos de todas las clases que conoce (se admiten clases nuevas) y luego Siguiente.</translation>
    </message>
    <message>
        <source>Training with &apos;%1&apos;…</source>
        <translation>Entrenando con «%1»…</translation>
    </message>
    <message>
        <source>Training stopped.</source>
        <translation>Entrenamiento detenido.</translation>
    </message>
    <message>
        <source>Training finished.</source>
        <translation>Entrenamiento terminado.</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>El entrenamiento ha fallado.</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>El entrenamiento ha fallado</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>Abrir un archivo de modelo</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>Nada que exportar</translation>
    </message>
    <message>
        <source>Train a model or open one first.</source>
        <translation>Primero, entrenar un modelo o abrir uno.</translation>
    </message>
    <message>
        <source>Export the model</source>
        <translation>Exportar el modelo</translation>
    </message>
    <message>
        <source>Exporting to %1 …</source>
        <translation>Exportando a %1…</translation>
    </message>
    <message>
        <source>Exported the model to %1</source>
        <translation>Modelo exportado a %1</translation>
    </message>
    <message>
        <source>The export failed</source>
        <translation>La exportación ha fallado</translation>
    </message>
    <message>
        <source>not known yet</source>
        <translation>aún desconocido</translation>
    </message>
    <message>
        <source>Train an image classifier on your own photos, by point and click.</source>
        <translation>Entrenar un clasificador de imágenes con fotos propias, con solo apuntar y hacer clic.</translation>
    </message>
    <message>
        <source>About catdog-gui</source>
        <translation>Acerca de catdog-gui</translation>
    </message>
    <message>
        <source>Quit while training?</source>
        <translation>¿Salir durante el entrenamiento?</translation>
    </message>
    <message>
        <source>A training run is going on. Quit anyway?

The best model so far is kept, and the run can be continued later from step 6 (Runs ▸ Continue training).</source>
        <translation>Hay un entrenamiento en curso. ¿Salir de todos modos?

Se conserva el mejor modelo hasta ahora, y el entrenamiento se puede continuar más tarde desde el paso 6 (Entrenamientos ▸ Continuar entrenamiento).</translation>
    </message>
    <message>
        <source>Open one model at a time</source>
        <translation>Abrir un solo modelo cada vez</translation>
    </message>
    <message>
        <source>These are all model files:
%1</source>
        <translation>Todos estos son archivos de modelo:
%1</translation>
    </message>
    <message>
        <source>Open a model to classify the photos with</source>
        <translation>Abrir un modelo con el que clasificar las fotos</translation>
    </message>
    <message>
        <source>Models (*.safetensors)</source>
        <translation>Modelos (*.safetensors)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
</context>
<context>
    <name>PredictorPanel</name>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff);;All files (*)</source>
        <translation>Imágenes (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>validation accuracy %1</source>
        <translation>exactitud de validación: %1</translation>
    </message>
    <message>
        <source>test accuracy %1</source>
        <translation>exactitud de prueba: %1</translation>
    </message>
    <message>
        <source>5  Classify new photos</source>
        <translation>5  Clasificar fotos nuevas</translation>
    </message>
    <message>
        <source>Drag photos or whole folders onto this page, or add them with the buttons. Each photo gets the class the model sees and how sure it is.</source>
        <translation>Arrastrar fotos o carpetas enteras a esta página, o añadirlas con los botones. Cada foto recibe la clase que ve el modelo y su grado de seguridad.</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>Abrir &amp;modelo…</translation>
    </message>
    <message>
        <source>Add &amp;photos…</source>
        <translation>Añadir &amp;fotos…</translation>
    </message>
    <message>
        <source>Add a fol&amp;der…</source>
        <translation>Añadir una ca&amp;rpeta…</translation>
    </message>
    <message>
        <source>Sa&amp;ve as CSV…</source>
        <translation>&amp;Guardar como CSV…</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>&amp;Limpiar</translation>
    </message>
    <message>
        <source>%1 Switching it classifies the photos shown again.</source>
        <comment>%1 says what the switch does</comment>
        <translation>%1 Al cambiarlo, se vuelven a clasificar las fotos mostradas.</translation>
    </message>
    <message>
        <source>Drop photos or folders here</source>
        <translation>Soltar aquí fotos o carpetas</translation>
    </message>
    <message>
        <source>Classified photos</source>
        <translation>Fotos clasificadas</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Foto</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Probabilidad</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Carpeta</translation>
    </message>
    <message>
        <source>No model yet: train one (step 3) or open a saved model file.</source>
        <translation>Aún no hay modelo: entrenar uno (paso 3) o abrir un archivo de modelo guardado.</translation>
    </message>
    <message>
        <source>Loading %1 …</source>
        <translation>Cargando %1 …</translation>
    </message>
    <message>
        <source>&lt;b&gt;Classes:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Clases:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>%1 on %2, %3 px</source>
        <comment>a model&apos;s strategy, base network and image size</comment>
        <translation>%1 sobre %2, %3 px</translation>
    </message>
    <message>
        <source>model</source>
        <translation>modelo</translation>
    </message>
    <message>
        <source>runs on %1</source>
        <comment>the device</comment>
        <translation>se ejecuta en %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Modelo:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>This model cannot be used: %1</source>
        <translation>Este modelo no se puede usar: %1</translation>
    </message>
    <message>
        <source>There is no model yet: train one (step 3) or open a model file; the photos will be classified then.</source>
        <translation>Aún no hay modelo: entrenar uno (paso 3) o abrir un archivo de modelo; las fotos se clasificarán entonces.</translation>
    </message>
    <message>
        <source>Classifying…</source>
        <translation>Clasificando…</translation>
    </message>
    <message>
        <source>Classifying failed: %1</source>
        <translation>La clasificación ha fallado: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s): %1</source>
        <translation>
            <numerusform>%n foto: %1</numerusform>
            <numerusform>%n fotos: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to classify.</source>
        <translation>Nada que clasificar.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) skipped</source>
        <translation>
            <numerusform>%n archivo omitido</numerusform>
            <numerusform>%n archivos omitidos</numerusform>
        </translation>
    </message>
    <message>
        <source>each also seen mirrored</source>
        <translation>cada una vista también en espejo</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 y %n más</numerusform>
            <numerusform>%1 y %n más</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Skipped %n file(s): %1.</source>
        <translation>
            <numerusform>Se ha omitido %n archivo: %1.</numerusform>
            <numerusform>Se han omitido %n archivos: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>Abrir un archivo de modelo</translation>
    </message>
    <message>
        <source>Models (*.safetensors);;All files (*)</source>
        <translation>Modelos (*.safetensors);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Photos to classify</source>
        <translation>Fotos para clasificar</translation>
    </message>
    <message>
        <source>A folder of photos to classify</source>
        <translation>Una carpeta de fotos para clasificar</translation>
    </message>
    <message>
        <source>Save the results</source>
        <translation>Guardar los resultados</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>No se ha podido guardar %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n result(s) to %1.</source>
        <translation>
            <numerusform>Se ha guardado %n resultado en %1.</numerusform>
            <numerusform>Se han guardado %n resultados en %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <source>Go on with a stopped or interrupted run from its last finished epoch</source>
        <translation>Continuar un entrenamiento detenido o interrumpido desde su última época terminada</translation>
    </message>
    <message>
        <source>Delete the selected run folders with their models</source>
        <translation>Borrar las carpetas de los entrenamientos seleccionados, con sus modelos</translation>
    </message>
    <message>
        <source>Start a new run from this run&apos;s best model: train it more on new photos, or teach it new classes, keeping what it has learnt</source>
        <translation>Iniciar un entrenamiento nuevo desde el mejor modelo de este: entrenarlo más con fotos nuevas o enseñarle clases nuevas, conservando lo que ha aprendido</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>Estrategia</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>Red base</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Épocas</translation>
    </message>
    <message>
        <source>Best validation</source>
        <translation>Mejor validación</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Prueba</translation>
    </message>
    <message>
        <source>Training time</source>
        <translation>Tiempo de entrenamiento</translation>
    </message>
    <message>
        <source>Started from</source>
        <translation>Partió de</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Datos</translation>
    </message>
    <message>
        <source>6  Your runs</source>
        <translation>6  Entrenamientos</translation>
    </message>
    <message>
        <source>Every training run is kept. Select several (Ctrl or Shift + click) to compare their curves, as in the lecture&apos;s plots: solid lines are validation, dashed lines training. Runs that the command line or another computer writes into the runs folder show up too, their curves growing live.</source>
        <translation>Se conservan todos los entrenamientos. Seleccionar varios (Ctrl o Mayús + clic) para comparar sus curvas, como en las gráficas del curso: las líneas continuas son la validación; las discontinuas, el entrenamiento. También aparecen los entrenamientos que la línea de comandos u otro ordenador escriben en la carpeta de entrenamientos, con sus curvas creciendo en directo.</translation>
    </message>
    <message>
        <source>&amp;Use this model</source>
        <translation>Usar este m&amp;odelo</translation>
    </message>
    <message>
        <source>Open the run&apos;s best model in the predictor and evaluate it</source>
        <translation>Abrir el mejor modelo del entrenamiento en el clasificador y evaluarlo</translation>
    </message>
    <message>
        <source>&amp;Continue training</source>
        <translation>Co&amp;ntinuar entrenamiento</translation>
    </message>
    <message>
        <source>Train &amp;more…</source>
        <translation>Entrenar &amp;más…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>E&amp;xportar…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Borrar…</translation>
    </message>
    <message>
        <source>Show f&amp;older</source>
        <translation>Mostrar ca&amp;rpeta</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Actua&amp;lizar</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Entrenamientos</translation>
    </message>
    <message>
        <source>Time spent in the epochs (reading photos and extracting features not included)</source>
        <translation>Tiempo dedicado a las épocas (sin contar la lectura de las fotos ni la extracción de características)</translation>
    </message>
    <message>
        <source>Accuracy per epoch</source>
        <translation>Exactitud por época</translation>
    </message>
    <message>
        <source>accuracy</source>
        <comment>a plot&apos;s axis</comment>
        <translation>exactitud</translation>
    </message>
    <message>
        <source>Loss per epoch</source>
        <translation>Pérdida por época</translation>
    </message>
    <message>
        <source>loss</source>
        <comment>a plot&apos;s axis</comment>
        <translation>pérdida</translation>
    </message>
    <message>
        <source>epoch</source>
        <comment>a plot&apos;s axis</comment>
        <translation>época</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) (%1 running elsewhere), kept in %2</source>
        <translation>
            <numerusform>%n entrenamiento (%1 en curso en otro lugar), guardado en %2</numerusform>
            <numerusform>%n entrenamientos (%1 en curso en otro lugar), guardados en %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s), kept in %1</source>
        <translation>
            <numerusform>%n entrenamiento, guardado en %1</numerusform>
            <numerusform>%n entrenamientos, guardados en %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Started from %1</source>
        <translation>Partió de %1</translation>
    </message>
    <message>
        <source>small CNN</source>
        <translation>CNN pequeña</translation>
    </message>
    <message>
        <source>%1 (running)</source>
        <comment>epochs</comment>
        <translation>%1 (en curso)</translation>
    </message>
    <message>
        <source>%1 (running elsewhere)</source>
        <comment>epochs</comment>
        <translation>%1 (en curso en otro lugar)</translation>
    </message>
    <message>
        <source>%1 (damaged)</source>
        <comment>epochs</comment>
        <translation>%1 (dañado)</translation>
    </message>
    <message>
        <source>%1 (unfinished)</source>
        <comment>epochs</comment>
        <translation>%1 (sin terminar)</translation>
    </message>
    <message>
        <source>%1 (interrupted)</source>
        <comment>epochs</comment>
        <translation>%1 (interrumpido)</translation>
    </message>
    <message>
        <source>Being trained by %1: its row and curves follow it as its epochs finish.</source>
        <translation>Lo entrena %1: su fila y sus curvas se actualizan a medida que terminan sus épocas.</translation>
    </message>
    <message>
        <source>Damaged: %1</source>
        <translation>Dañado: %1</translation>
    </message>
    <message>
        <source>(solid: validation, dashed: training)</source>
        <translation>(continua: validación; discontinua: entrenamiento)</translation>
    </message>
    <message>
        <source>Select one or more runs above to see their curves.</source>
        <translation>Seleccionar uno o más entrenamientos arriba para ver sus curvas.</translation>
    </message>
    <message>
        <source>%1 (running elsewhere)</source>
        <comment>a run</comment>
        <translation>%1 (en curso en otro lugar)</translation>
    </message>
    <message>
        <source>Not while %1 trains this run; wait until it ends</source>
        <translation>No mientras lo entrene %1; esperar a que termine</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>Borrar entrenamientos</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run folder(s) with their models?</source>
        <translation>
            <numerusform>¿Borrar %n carpeta de entrenamiento con su modelo?</numerusform>
            <numerusform>¿Borrar %n carpetas de entrenamiento con sus modelos?</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not delete %1</source>
        <translation>No se ha podido borrar %1</translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split into train / validation / test</source>
        <translation>Dividir en train/, validation/ y test/</translation>
    </message>
    <message numerus="yes">
        <source>Makes a new folder with train/, validation/ and test/ (links to your photos, no copies where the disk allows). The smallest class has %Ln images; counts are per class.</source>
        <translation>
            <numerusform>Crea una carpeta nueva con train/, validation/ y test/ (enlaces a las fotos, sin copias donde el disco lo permite). La clase más pequeña tiene %Ln imagen; las cantidades son por clase.</numerusform>
            <numerusform>Crea una carpeta nueva con train/, validation/ y test/ (enlaces a las fotos, sin copias donde el disco lo permite). La clase más pequeña tiene %Ln imágenes; las cantidades son por clase.</numerusform>
        </translation>
    </message>
    <message>
        <source>Training images per class:</source>
        <translation>Imágenes de entrenamiento por clase:</translation>
    </message>
    <message>
        <source>Validation images per class:</source>
        <translation>Imágenes de validación por clase:</translation>
    </message>
    <message>
        <source>Test images per class:</source>
        <translation>Imágenes de prueba por clase:</translation>
    </message>
    <message>
        <source>Shuffle seed:</source>
        <translation>Semilla de mezcla:</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Examinar…</translation>
    </message>
    <message>
        <source>New folder:</source>
        <translation>Carpeta nueva:</translation>
    </message>
    <message>
        <source>Make the &amp;split</source>
        <translation>Crear la &amp;división</translation>
    </message>
    <message>
        <source>Parent folder for the split copy</source>
        <translation>Carpeta donde crear la copia dividida</translation>
    </message>
</context>
<context>
    <name>StrategyPanel</name>
    <message>
        <source>2  How to train</source>
        <translation>2  Cómo entrenar</translation>
    </message>
    <message>
        <source>Pick a strategy; its values are the recommended ones (or the lecture&apos;s), and you can change them. Not sure? Keep &apos;Pretrained features&apos;: fast and accurate.</source>
        <translation>Elegir una estrategia; sus valores son los recomendados (o los de la lección) y se pueden cambiar. ¿Dudas? Mantener «Características preentrenadas»: rápida y exacta.</translation>
    </message>
    <message>
        <source>Loading the training engine…</source>
        <translation>Cargando el motor de entrenamiento…</translation>
    </message>
    <message>
        <source>St&amp;rategy</source>
        <translation>Estrate&amp;gia</translation>
    </message>
    <message>
        <source>Pretrained network (backbone)</source>
        <translation>Red preentrenada (backbone)</translation>
    </message>
    <message>
        <source>Networ&amp;k:</source>
        <translation>&amp;Red:</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>Pesos:</translation>
    </message>
    <message>
        <source>Measured:</source>
        <translation>Medido:</translation>
    </message>
    <message>
        <source>&amp;Use a weights file…</source>
        <translation>Usar un arc&amp;hivo de pesos…</translation>
    </message>
    <message>
        <source>Use the standar&amp;d weights</source>
        <translation>Usar los pesos están&amp;dar</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>Ajustes del entrenamiento</translation>
    </message>
    <message>
        <source>off</source>
        <comment>no early stopping</comment>
        <translation>no</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>automático</translation>
    </message>
    <message>
        <source>on</source>
        <comment>weigh the classes</comment>
        <translation>sí</translation>
    </message>
    <message>
        <source>off</source>
        <comment>do not weigh the classes</comment>
        <translation>no</translation>
    </message>
    <message>
        <source>Weigh each class by the inverse of its share of the training photos, so that a small class counts as much as a big one. Auto: when the largest class has over 3 times the photos of the smallest.</source>
        <translation>Ponderar cada clase por la inversa de su proporción en las fotos de entrenamiento, para que una clase pequeña cuente tanto como una grande. Automático: cuando la clase mayor tiene más de 3 veces las fotos de la menor.</translation>
    </message>
    <message>
        <source>All GPUs: the run trains in a separate process, one per GPU (torchrun); its curves grow in step 6 (Runs)</source>
        <translation>Todas las GPU: el entrenamiento se ejecuta en un proceso aparte, uno por GPU (torchrun); sus curvas crecen en el paso 6 (Entrenamientos)</translation>
    </message>
    <message>
        <source>&amp;Epochs:</source>
        <translation>É&amp;pocas:</translation>
    </message>
    <message>
        <source>Head-only epochs first:</source>
        <translation>Épocas previas solo de la cabeza:</translation>
    </message>
    <message>
        <source>Batch si&amp;ze:</source>
        <translation>Tamaño de &amp;lote:</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>Tasa de aprendi&amp;zaje:</translation>
    </message>
    <message>
        <source>Fine-tuning learning rate:</source>
        <translation>Tasa de aprendizaje del ajuste fino:</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>Tamaño de imagen:</translation>
    </message>
    <message>
        <source>Stop after epochs without progress:</source>
        <translation>Parar tras épocas sin mejora:</translation>
    </message>
    <message>
        <source>Weigh classes against imbalance:</source>
        <translation>Ponderar clases ante desequilibrio:</translation>
    </message>
    <message>
        <source>Random seed:</source>
        <translation>Semilla aleatoria:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Dispositivo:</translation>
    </message>
    <message>
        <source>GPUs:</source>
        <translation>GPU:</translation>
    </message>
    <message>
        <source>Decoded photos are kept on disk up to this size, so that later runs start at once; past it, photos are decoded again every epoch.</source>
        <translation>Las fotos decodificadas se guardan en disco hasta este tamaño, para que los entrenamientos siguientes empiecen al instante; por encima, las fotos se decodifican de nuevo en cada época.</translation>
    </message>
    <message>
        <source>Disk for decoded photos:</source>
        <translation>Disco para fotos decodificadas:</translation>
    </message>
    <message>
        <source>Values:</source>
        <translation>Valores:</translation>
    </message>
    <message>
        <source>Reset to re&amp;commended</source>
        <translation>Volver a lo reco&amp;mendado</translation>
    </message>
    <message>
        <source>Reset to the lecture&apos;s &amp;values</source>
        <translation>Volver a los &amp;valores de la lección</translation>
    </message>
    <message>
        <source>&amp;Augmentation (training photos only)</source>
        <translation>Aumento de datos (solo &amp;fotos de entrenamiento)</translation>
    </message>
    <message>
        <source>Show the network randomly changed photos</source>
        <translation>Mostrar a la red fotos cambiadas al azar</translation>
    </message>
    <message>
        <source>&amp;mirror left-right</source>
        <translation>en espe&amp;jo</translation>
    </message>
    <message>
        <source>flip u&amp;pside down</source>
        <translation>&amp;boca abajo</translation>
    </message>
    <message>
        <source>nearest</source>
        <comment>fill mode: repeat the nearest edge pixel</comment>
        <translation>cercano</translation>
    </message>
    <message>
        <source>reflect</source>
        <comment>fill mode: mirror the picture at its edge</comment>
        <translation>reflejo</translation>
    </message>
    <message>
        <source>constant</source>
        <comment>fill mode: one colour</comment>
        <translation>constante</translation>
    </message>
    <message>
        <source>Rotation up to:</source>
        <translation>Rotación hasta:</translation>
    </message>
    <message>
        <source>Shift sideways (share):</source>
        <translation>Desplazamiento lateral:</translation>
    </message>
    <message>
        <source>Shift up/down (share):</source>
        <translation>Desplazamiento vertical:</translation>
    </message>
    <message>
        <source>Shear up to:</source>
        <translation>Cizalla hasta:</translation>
    </message>
    <message>
        <source>Zoom (share):</source>
        <translation>Zoom (fracción):</translation>
    </message>
    <message>
        <source>Brightness (share):</source>
        <translation>Brillo (fracción):</translation>
    </message>
    <message>
        <source>Contrast (share):</source>
        <translation>Contraste (fracción):</translation>
    </message>
    <message>
        <source>Saturation (share):</source>
        <translation>Saturación (fracción):</translation>
    </message>
    <message>
        <source>Flip:</source>
        <translation>Voltear:</translation>
    </message>
    <message>
        <source>Fill the edges with:</source>
        <translation>Rellenar los bordes con:</translation>
    </message>
    <message>
        <source>The original photo</source>
        <translation>La foto original</translation>
    </message>
    <message>
        <source>Augmented version %1</source>
        <translation>Versión aumentada %1</translation>
    </message>
    <message>
        <source>Top left: the photo as it is; the others: what training may show.</source>
        <translation>Arriba a la izquierda: la foto tal cual; las demás: lo que el entrenamiento puede mostrar.</translation>
    </message>
    <message>
        <source>Ne&amp;w samples</source>
        <translation>&amp;Nuevas muestras</translation>
    </message>
    <message>
        <source>An&amp;other photo</source>
        <translation>&amp;Otra foto</translation>
    </message>
    <message>
        <source>Start from scratch &amp;instead</source>
        <translation>Empezar &amp;de cero en su lugar</translation>
    </message>
    <message>
        <source>Forget the model to start from: the next run begins from nothing (or from ImageNet, for a pretrained network)</source>
        <translation>Olvidar el modelo de partida: el próximo entrenamiento empieza de cero (o desde ImageNet, con una red preentrenada)</translation>
    </message>
    <message>
        <source>1 (in this window)</source>
        <translation>1 (en esta ventana)</translation>
    </message>
    <message>
        <source>all %1 (torchrun; watched in step 6)</source>
        <translation>las %1 (torchrun; se sigue en el paso 6)</translation>
    </message>
    <message>
        <source>Pretrained network (not used: this strategy trains its own)</source>
        <translation>Red preentrenada (no se usa: esta estrategia entrena la suya)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Starting from: %1&lt;/b&gt; (its model knows %2). The photos need every one of these classes, and may add new ones; the network and image size are the model&apos;s.</source>
        <translation>&lt;b&gt;Partiendo de: %1&lt;/b&gt; (su modelo conoce %2). Las fotos necesitan todas estas clases y pueden añadir otras nuevas; la red y el tamaño de imagen son los del modelo.</translation>
    </message>
    <message>
        <source>A run that starts from a model uses its image size</source>
        <translation>Un entrenamiento que parte de un modelo usa el tamaño de imagen de este</translation>
    </message>
    <message>
        <source>Epochs of the fine-tuning phase</source>
        <translation>Épocas de la fase de ajuste fino</translation>
    </message>
    <message>
        <source>Fine-tuning &amp;epochs:</source>
        <translation>É&amp;pocas de ajuste fino:</translation>
    </message>
    <message>
        <source>the lecture&apos;s (RMSprop, a constant learning rate, the best validation accuracy kept)</source>
        <translation>los de la lección (RMSprop, tasa de aprendizaje constante, se conserva la mejor exactitud de validación)</translation>
    </message>
    <message>
        <source>recommended (%1)</source>
        <translation>recomendados (%1)</translation>
    </message>
    <message>
        <source>%1; changed by you: %2</source>
        <translation>%1; cambiados a mano: %2</translation>
    </message>
    <message>
        <source>%1 with weight decay %2</source>
        <translation>%1 con decaimiento de pesos %2</translation>
    </message>
    <message>
        <source>a cosine learning-rate schedule</source>
        <translation>tasa de aprendizaje con programación coseno</translation>
    </message>
    <message>
        <source>a constant learning rate</source>
        <translation>tasa de aprendizaje constante</translation>
    </message>
    <message>
        <source>label smoothing %1</source>
        <translation>suavizado de etiquetas %1</translation>
    </message>
    <message>
        <source>the epoch with the best validation loss kept</source>
        <translation>se conserva la época con la mejor pérdida de validación</translation>
    </message>
    <message>
        <source>the epoch with the best validation accuracy kept</source>
        <translation>se conserva la época con la mejor exactitud de validación</translation>
    </message>
    <message>
        <source>This strategy looks at each photo once and keeps what the network sees, so it cannot use augmentation. The preview shows what it would do.</source>
        <translation>Esta estrategia mira cada foto una vez y guarda lo que ve la red: no puede usar aumento de datos. La vista previa muestra lo que haría.</translation>
    </message>
    <message>
        <source>The lecture&apos;s values: the network rarely sees the same photo twice, which keeps it from memorising the training set.</source>
        <translation>Valores de la lección: la red casi nunca ve dos veces la misma foto, así que no memoriza el conjunto de entrenamiento.</translation>
    </message>
    <message>
        <source>The lecture trains this strategy without augmentation.</source>
        <translation>La lección entrena esta estrategia sin aumento de datos.</translation>
    </message>
    <message>
        <source>the learning rate &apos;%1&apos; is not a number (write it like %2)</source>
        <translation>la tasa de aprendizaje «%1» no es un número (se escribe como %2)</translation>
    </message>
    <message>
        <source>the fine-tuning learning rate &apos;%1&apos; is not a number</source>
        <translation>la tasa de aprendizaje del ajuste fino «%1» no es un número</translation>
    </message>
    <message>
        <source>Weights file for the backbone</source>
        <translation>Archivo de pesos para el backbone</translation>
    </message>
    <message>
        <source>Weights (*.safetensors *.pth *.pt *.bin);;All files (*)</source>
        <translation>Pesos (*.safetensors *.pth *.pt *.bin);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>from your file %1</source>
        <translation>del archivo %1</translation>
    </message>
    <message>
        <source>ImageNet weights built in: works offline</source>
        <translation>Pesos de ImageNet incluidos: funciona sin conexión</translation>
    </message>
    <message>
        <source>ImageNet weights already downloaded</source>
        <translation>Pesos de ImageNet ya descargados</translation>
    </message>
    <message>
        <source>ImageNet weights will be downloaded once when training starts (needs the internet), or use a weights file</source>
        <translation>Los pesos de ImageNet se descargarán una vez al empezar el entrenamiento (hace falta internet); también se puede usar un archivo de pesos</translation>
    </message>
    <message>
        <source>unknown</source>
        <comment>whether the network&apos;s weights are here</comment>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>about %1 on %2</source>
        <translation>unos %1 en %2</translation>
    </message>
    <message>
        <source>no estimate for these values</source>
        <translation>sin estimación para estos valores</translation>
    </message>
    <message>
        <source>Lecture: %1. Time: %2 for %3 photos.</source>
        <translation>Lección: %1. Tiempo: %2 para %3 fotos.</translation>
    </message>
    <message>
        <source>This strategy keeps features (a few KB per photo), not photos.</source>
        <translation>Esta estrategia guarda características (unos pocos KB por foto), no fotos.</translation>
    </message>
    <message>
        <source>kept on disk after the first read, so later runs start at once</source>
        <translation>se guardan en disco tras la primera lectura, así que los entrenamientos siguientes empiezan al instante</translation>
    </message>
    <message>
        <source>more than this budget: decoded again every epoch</source>
        <translation>más que este límite: se decodifican de nuevo en cada época</translation>
    </message>
    <message>
        <source>%1 photos at %2 px take %3 GB decoded: %4.</source>
        <translation>%1 fotos a %2 px ocupan %3 GB decodificadas: %4.</translation>
    </message>
    <message>
        <source>The augmentation preview failed: %1</source>
        <translation>Falló la vista previa del aumento de datos: %1</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Loading the training engine…</source>
        <translation>Cargando el motor de entrenamiento…</translation>
    </message>
    <message>
        <source>3  Train</source>
        <translation>3  Entrenar</translation>
    </message>
    <message>
        <source>Start the run and watch it learn: the curves show how well the model does on the photos it learns from (training) and on photos it never learns from (validation).</source>
        <translation>Iniciar el entrenamiento y verlo aprender: las curvas muestran lo bien que lo hace el modelo con las fotos de las que aprende (entrenamiento) y con fotos de las que nunca aprende (validación).</translation>
    </message>
    <message>
        <source>▶  St&amp;art training</source>
        <translation>▶  I&amp;niciar entrenamiento</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Iniciar entrenamiento</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausar</translation>
    </message>
    <message>
        <source>■  St&amp;op</source>
        <translation>■  &amp;Detener</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>End the run now; the best model so far is kept</source>
        <translation>Terminar el entrenamiento ahora; se conserva el mejor modelo hasta el momento</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>Sin iniciar.</translation>
    </message>
    <message>
        <source>This step:</source>
        <translation>Esta fase:</translation>
    </message>
    <message>
        <source>Whole run:</source>
        <translation>Todo el entrenamiento:</translation>
    </message>
    <message>
        <source>Loss (lower is better)</source>
        <translation>Pérdida (mejor cuanto más baja)</translation>
    </message>
    <message>
        <source>loss</source>
        <comment>a plot&apos;s axis</comment>
        <translation>pérdida</translation>
    </message>
    <message>
        <source>Accuracy (higher is better)</source>
        <translation>Exactitud (mejor cuanto más alta)</translation>
    </message>
    <message>
        <source>accuracy</source>
        <comment>a plot&apos;s axis</comment>
        <translation>exactitud</translation>
    </message>
    <message>
        <source>Loss per epoch</source>
        <translation>Pérdida por época</translation>
    </message>
    <message>
        <source>Accuracy per epoch</source>
        <translation>Exactitud por época</translation>
    </message>
    <message>
        <source>training, each epoch</source>
        <translation>entrenamiento, cada época</translation>
    </message>
    <message>
        <source>training, each batch (smoothed)</source>
        <translation>entrenamiento, cada lote (suavizado)</translation>
    </message>
    <message>
        <source>validation, each epoch</source>
        <translation>validación, cada época</translation>
    </message>
    <message numerus="yes">
        <source>Training on %n GPUs in a separate process…</source>
        <translation>
            <numerusform>Entrenando en %n GPU en un proceso aparte…</numerusform>
            <numerusform>Entrenando en %n GPU en un proceso aparte…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Training on %n GPUs in a separate process; its curves appear in step 6 (Runs) as it runs.</source>
        <translation>
            <numerusform>Entrenando en %n GPU en un proceso aparte; sus curvas aparecen en el paso 6 (Entrenamientos) a medida que avanza.</numerusform>
            <numerusform>Entrenando en %n GPU en un proceso aparte; sus curvas aparecen en el paso 6 (Entrenamientos) a medida que avanza.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reanudar</translation>
    </message>
    <message>
        <source>Paused: %1</source>
        <translation>En pausa: %1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <comment>the mark on the plots where it starts</comment>
        <translation>ajuste fino</translation>
    </message>
    <message>
        <source>%1…</source>
        <comment>a phase of the run going on</comment>
        <translation>%1…</translation>
    </message>
    <message>
        <source>%1: %2 / %3 photos</source>
        <translation>%1: %2 / %3 fotos</translation>
    </message>
    <message>
        <source>%1 photos/s · this step ends in about %2</source>
        <translation>%1 fotos/s · esta fase termina en unos %2</translation>
    </message>
    <message>
        <source>Epoch %1 of %2: batch %3 / %4</source>
        <translation>Época %1 de %2: lote %3 / %4</translation>
    </message>
    <message>
        <source>Epoch %1 of %2 done</source>
        <translation>Época %1 de %2 terminada</translation>
    </message>
    <message>
        <source>%1 images/s</source>
        <translation>%1 imágenes/s</translation>
    </message>
    <message>
        <source>about %1 left in this phase</source>
        <translation>quedan unos %1 en esta fase</translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation>transcurrido: %1</translation>
    </message>
    <message>
        <source>best validation accuracy so far %1 (epoch %2)</source>
        <translation>mejor exactitud de validación hasta ahora: %1 (época %2)</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>El entrenamiento ha fallado: %1</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>Ha fallado.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Detenido.</translation>
    </message>
    <message>
        <source>Stopped. What the run learnt so far is kept in step 6 (Runs), where it can be continued.</source>
        <translation>Detenido. Lo aprendido hasta ahora se conserva en el paso 6 (Entrenamientos), donde se puede continuar.</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>Terminado.</translation>
    </message>
    <message numerus="yes">
        <source>The run on %n GPUs finished: its results are in step 6 (Runs).</source>
        <translation>
            <numerusform>El entrenamiento en %n GPU ha terminado: sus resultados están en el paso 6 (Entrenamientos).</numerusform>
            <numerusform>El entrenamiento en %n GPU ha terminado: sus resultados están en el paso 6 (Entrenamientos).</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped before the first epoch ended, so no model was saved.</source>
        <translation>Detenido antes de terminar la primera época: no se ha guardado ningún modelo.</translation>
    </message>
    <message>
        <source>Stopped early (no progress).</source>
        <translation>Detenido antes de tiempo (sin progreso).</translation>
    </message>
    <message>
        <source>done</source>
        <comment>the step bar after the run</comment>
        <translation>terminado</translation>
    </message>
    <message>
        <source>stopped</source>
        <comment>the step bar after the run</comment>
        <translation>detenido</translation>
    </message>
    <message>
        <source>%1 per epoch</source>
        <translation>%1 por época</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s)</source>
        <translation>
            <numerusform>%n época</numerusform>
            <numerusform>%n épocas</numerusform>
        </translation>
    </message>
    <message>
        <source>total %1</source>
        <translation>total: %1</translation>
    </message>
    <message>
        <source>on %1</source>
        <comment>the device the run trained on</comment>
        <translation>en %1</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Detenido tras %n época en %1</numerusform>
            <numerusform>Detenido tras %n épocas en %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped early (no progress) after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Detenido antes de tiempo (sin progreso) tras %n época en %1</numerusform>
            <numerusform>Detenido antes de tiempo (sin progreso) tras %n épocas en %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finished after %n epoch(s) in %1</source>
        <translation>
            <numerusform>Terminado tras %n época en %1</numerusform>
            <numerusform>Terminado tras %n épocas en %1</numerusform>
        </translation>
    </message>
    <message>
        <source>best validation accuracy %1 (epoch %2)</source>
        <translation>mejor exactitud de validación: %1 (época %2)</translation>
    </message>
    <message>
        <source>best validation accuracy %1</source>
        <translation>mejor exactitud de validación: %1</translation>
    </message>
    <message>
        <source>test accuracy %1</source>
        <translation>exactitud de prueba: %1</translation>
    </message>
    <message>
        <source>The best model is kept as %1 in %2.</source>
        <translation>El mejor modelo se guarda como %1 en %2.</translation>
    </message>
    <message>
        <source>%1: %2. %3</source>
        <comment>how the run ended: its accuracies. Where its model is kept</comment>
        <translation>%1: %2. %3</translation>
    </message>
</context>
<context>
    <name>accessible</name>
    <message>
        <source>%1 percent</source>
        <translation>%1 por ciento</translation>
    </message>
    <message numerus="yes">
        <source>true %1, predicted %2: %n photo(s)</source>
        <translation>
            <numerusform>real %1, predicho %2: %n foto</numerusform>
            <numerusform>real %1, predicho %2: %n fotos</numerusform>
        </translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>no es un número</translation>
    </message>
    <message>
        <source>%1: no epoch has finished yet</source>
        <translation>%1: aún no ha terminado ninguna época</translation>
    </message>
    <message>
        <source>%1: training %2, validation %3 at epoch %4 of %5</source>
        <translation>%1: entrenamiento %2, validación %3 en la época %4 de %5</translation>
    </message>
    <message>
        <source>%1: training %2, validation %3 at epoch %4</source>
        <translation>%1: entrenamiento %2, validación %3 en la época %4</translation>
    </message>
    <message>
        <source>%1: no run selected</source>
        <translation>%1: ningún entrenamiento seleccionado</translation>
    </message>
    <message>
        <source>%1, validation %2 at epoch %3</source>
        <translation>%1, validación %2 en la época %3</translation>
    </message>
    <message>
        <source>%1, no epoch yet</source>
        <translation>%1, aún sin épocas</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <comment>a plot&apos;s title, then its runs</comment>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>data_panel</name>
    <message>
        <source>train / validation / test folders, one folder per class inside each (the lecture&apos;s layout)</source>
        <translation>carpetas train/, validation/ y test/, con una carpeta por clase dentro de cada una (la estructura de la lección)</translation>
    </message>
    <message>
        <source>one folder per class, not split yet: it is split %1 for each class when training (or make a split copy now)</source>
        <translation>una carpeta por clase, aún sin dividir: se divide %1 en cada clase al entrenar (o crear ahora una copia dividida)</translation>
    </message>
    <message>
        <source>a flat folder whose file names start with the class (cat.12.jpg): labels come from the names; it is split %1 for each class when training (or make a split copy now)</source>
        <translation>una carpeta plana cuyos nombres de archivo empiezan por la clase (cat.12.jpg): las etiquetas salen de los nombres; se divide %1 en cada clase al entrenar (o crear ahora una copia dividida)</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entrenamiento</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validación</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Prueba</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todas</translation>
    </message>
    <message>
        <source>system file</source>
        <translation>archivo del sistema</translation>
    </message>
    <message>
        <source>hidden file</source>
        <translation>archivo oculto</translation>
    </message>
    <message>
        <source>broken link or link loop</source>
        <translation>enlace roto o bucle de enlaces</translation>
    </message>
    <message>
        <source>not a regular file (a device, pipe or socket)</source>
        <translation>no es un archivo normal (un dispositivo, tubería o socket)</translation>
    </message>
    <message>
        <source>a link to a folder; not followed</source>
        <translation>un enlace a una carpeta; no se sigue</translation>
    </message>
    <message>
        <source>not inside a class folder</source>
        <translation>no está dentro de una carpeta de clase</translation>
    </message>
    <message>
        <source>not inside train/, validation/ or test/</source>
        <translation>no está dentro de train/, validation/ ni test/</translation>
    </message>
    <message>
        <source>name does not start with a class, like &apos;cat.123.jpg&apos;</source>
        <translation>el nombre no empieza por una clase, como «cat.123.jpg»</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>archivo vacío (0 bytes)</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>permiso denegado</translation>
    </message>
    <message>
        <source>is a folder, not a file</source>
        <translation>es una carpeta, no un archivo</translation>
    </message>
    <message>
        <source>file not found (moved or deleted?)</source>
        <translation>archivo no encontrado (¿movido o borrado?)</translation>
    </message>
    <message>
        <source>not an image, or a format this app cannot read</source>
        <translation>no es una imagen, o es un formato que esta aplicación no lee</translation>
    </message>
    <message>
        <source>truncated or damaged image data (the bottom of the picture is missing)</source>
        <translation>datos de imagen truncados o dañados (falta la parte de abajo de la imagen)</translation>
    </message>
    <message>
        <source>truncated or damaged image data</source>
        <translation>datos de imagen truncados o dañados</translation>
    </message>
    <message>
        <source>too large to decode in the memory available</source>
        <translation>demasiado grande para decodificarla con la memoria disponible</translation>
    </message>
    <message>
        <source>no extension</source>
        <translation>sin extensión</translation>
    </message>
    <message>
        <source>not a supported image type (%1); use JPEG, PNG, BMP, GIF, WebP or TIFF</source>
        <translation>tipo de imagen no admitido (%1); usar JPEG, PNG, BMP, GIF, WebP o TIFF</translation>
    </message>
    <message>
        <source>class &apos;%1&apos; is not in train/; ignored</source>
        <translation>la clase «%1» no está en train/; se ignora</translation>
    </message>
    <message>
        <source>%1; ignored</source>
        <translation>%1; se ignora</translation>
    </message>
    <message>
        <source>Use &amp;every photo (%1)</source>
        <translation>Usar to&amp;das las fotos (%1)</translation>
    </message>
    <message>
        <source>Use the &amp;lecture&apos;s subset: %1/%2/%3 per class (%4 photos)</source>
        <translation>Usar el subconjunto de la &amp;lección: %1/%2/%3 por clase (%4 fotos)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos are set aside: %1.</source>
        <translation>
            <numerusform>%Ln foto está apartada: %1.</numerusform>
            <numerusform>%Ln fotos están apartadas: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>The folder is not split yet, so they are counted in the All column only.</source>
        <translation>La carpeta aún no está dividida, así que solo se cuentan en la columna Todas.</translation>
    </message>
    <message>
        <source>Choose “Use every photo” above to train on them too.</source>
        <translation>Elegir «Usar todas las fotos» arriba para entrenar también con ellas.</translation>
    </message>
    <message>
        <source>the lecture&apos;s subset uses %1 train, %2 validation and %3 test photos per class</source>
        <translation>el subconjunto de la lección usa %1 fotos de entrenamiento, %2 de validación y %3 de prueba por clase</translation>
    </message>
    <message>
        <source>the split uses %1 train, %2 validation and %3 test photos per class</source>
        <translation>la división usa %1 fotos de entrenamiento, %2 de validación y %3 de prueba por clase</translation>
    </message>
    <message>
        <source>The classes are unbalanced: &apos;%1&apos; has %2× as many training images as &apos;%3&apos; (%4 vs %5). Accuracy can look good by favouring &apos;%1&apos;; compare the per-class accuracies after training.</source>
        <translation>Las clases están desequilibradas: «%1» tiene %2 veces más imágenes de entrenamiento que «%3» (%4 frente a %5). La exactitud puede parecer buena favoreciendo a «%1»; comparar la exactitud de cada clase después de entrenar.</translation>
    </message>
    <message>
        <source>%1 (+%2 set aside)</source>
        <translation>%1 (+%2 apartadas)</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>English</source>
        <comment>the name of the language you translate into, written in that language</comment>
        <translation>Español</translation>
    </message>
    <message>
        <source>%1 %</source>
        <comment>a percentage; %1 is the number</comment>
        <translation>%1&#xa0;%</translation>
    </message>
</context>
<context>
    <name>notifier</name>
    <message>
        <source>Training stopped before the first epoch ended; no model was saved</source>
        <translation>El entrenamiento se detuvo antes de terminar la primera época; no se guardó ningún modelo</translation>
    </message>
    <message>
        <source>validation accuracy %1 (best epoch %2 of %3)</source>
        <translation>exactitud de validación %1 (mejor época: %2 de %3)</translation>
    </message>
    <message numerus="yes">
        <source>validation accuracy %1 after %n epoch(s)</source>
        <translation>
            <numerusform>exactitud de validación %1 tras %n época</numerusform>
            <numerusform>exactitud de validación %1 tras %n épocas</numerusform>
        </translation>
    </message>
    <message>
        <source>Training stopped: %1</source>
        <translation>Entrenamiento detenido: %1</translation>
    </message>
    <message>
        <source>Training stopped early (no progress): %1</source>
        <translation>Entrenamiento detenido antes de tiempo (sin progreso): %1</translation>
    </message>
    <message>
        <source>Training finished: %1</source>
        <translation>Entrenamiento terminado: %1</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>El entrenamiento ha fallado</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>El entrenamiento ha fallado: %1</translation>
    </message>
</context>
<context>
    <name>runs_panel</name>
    <message>
        <source>this computer</source>
        <translation>este ordenador</translation>
    </message>
    <message>
        <source>process %1 on %2</source>
        <translation>el proceso %1 en %2</translation>
    </message>
    <message>
        <source>%1: not a model file, or damaged or cut short</source>
        <translation>%1: no es un archivo de modelo, o está dañado o incompleto</translation>
    </message>
    <message>
        <source>%1: invalid metadata (%2)</source>
        <translation>%1: metadatos no válidos (%2)</translation>
    </message>
</context>
<context>
    <name>strategy_panel</name>
    <message>
        <source>Not measured on real photos with this app yet.</source>
        <translation>Aún no medido con fotos reales en esta aplicación.</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <comment>data set, test accuracy (time)</comment>
        <translation>%1 %2 (%3)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <comment>strategy: its results</comment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Test accuracy (and time) with the recommended values, measured on a CPU (%1): %2.</source>
        <translation>Exactitud de prueba (y tiempo) con los valores recomendados, medida en una CPU (%1): %2.</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n cores</source>
        <translation>
            <numerusform>%1, %n núcleo</numerusform>
            <numerusform>%1, %n núcleos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>CPU (%n threads)</source>
        <translation>
            <numerusform>CPU (%n hilo)</numerusform>
            <numerusform>CPU (%n hilos)</numerusform>
        </translation>
    </message>
    <message>
        <source>pretrained features</source>
        <translation>características preentrenadas</translation>
    </message>
    <message>
        <source>pretrained features with augmentation</source>
        <translation>características preentrenadas con aumento de datos</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <translation>ajuste fino</translation>
    </message>
    <message>
        <source>cats vs dogs</source>
        <translation>gatos y perros</translation>
    </message>
    <message>
        <source>17 flowers</source>
        <translation>17 flores</translation>
    </message>
    <message>
        <source>Small CNN from scratch</source>
        <translation>CNN pequeña desde cero</translation>
    </message>
    <message>
        <source>Trains a small network from nothing. Quick to understand; overfits a small set (about 71-74%).</source>
        <translation>Entrena una red pequeña desde cero. Fácil de entender; sobreajusta un conjunto pequeño (en torno al 71-74 %).</translation>
    </message>
    <message>
        <source>about 71% validation</source>
        <translation>en torno al 71 % en validación</translation>
    </message>
    <message>
        <source>Small CNN with augmentation and dropout</source>
        <translation>CNN pequeña con aumento y dropout</translation>
    </message>
    <message>
        <source>The same network, shown randomly turned, shifted and zoomed photos; overfits far less (about 82%).</source>
        <translation>La misma red, viendo fotos giradas, desplazadas y ampliadas al azar; sobreajusta mucho menos (en torno al 82 %).</translation>
    </message>
    <message>
        <source>about 82%</source>
        <translation>en torno al 82 %</translation>
    </message>
    <message>
        <source>Pretrained features (fastest)</source>
        <translation>Características preentrenadas (la más rápida)</translation>
    </message>
    <message>
        <source>Runs a network trained on ImageNet once over every photo and trains a small head on what it sees. Fast and accurate: the best first choice.</source>
        <translation>Pasa una vez cada foto por una red entrenada con ImageNet y entrena una cabeza pequeña con lo que ve. Rápida y exacta: la mejor primera opción.</translation>
    </message>
    <message>
        <source>about 90% (VGG16)</source>
        <translation>en torno al 90 % (VGG16)</translation>
    </message>
    <message>
        <source>Pretrained features with augmentation</source>
        <translation>Características preentrenadas con aumento</translation>
    </message>
    <message>
        <source>Keeps the pretrained network frozen inside the model and shows it augmented photos. Slower, a little more accurate.</source>
        <translation>Mantiene congelada la red preentrenada dentro del modelo y le muestra fotos aumentadas. Más lenta, algo más exacta.</translation>
    </message>
    <message>
        <source>about 96% (VGG16)</source>
        <translation>en torno al 96 % (VGG16)</translation>
    </message>
    <message>
        <source>Fine-tuning the top block</source>
        <translation>Ajuste fino del bloque superior</translation>
    </message>
    <message>
        <source>Trains a head on the frozen pretrained network, then also adjusts the network&apos;s top block. The most accurate, and the slowest.</source>
        <translation>Entrena una cabeza sobre la red preentrenada congelada y después ajusta también el bloque superior de la red. La más exacta y la más lenta.</translation>
    </message>
    <message>
        <source>about 97% test (VGG16)</source>
        <translation>en torno al 97 % en prueba (VGG16)</translation>
    </message>
    <message>
        <source>EfficientNet-Lite0 (built in, works offline)</source>
        <translation>EfficientNet-Lite0 (incluida, funciona sin conexión)</translation>
    </message>
    <message>
        <source>EfficientNet-Lite1 (built in, works offline)</source>
        <translation>EfficientNet-Lite1 (incluida, funciona sin conexión)</translation>
    </message>
    <message>
        <source>EfficientNet-Lite2 (built in, works offline)</source>
        <translation>EfficientNet-Lite2 (incluida, funciona sin conexión)</translation>
    </message>
    <message>
        <source>VGG16 (the lecture&apos;s)</source>
        <translation>VGG16 (la de la lección)</translation>
    </message>
    <message>
        <source>ResNet-50</source>
        <translation>ResNet-50</translation>
    </message>
    <message>
        <source>MobileNetV3-Large</source>
        <translation>MobileNetV3-Large</translation>
    </message>
    <message>
        <source>EfficientNet-B0</source>
        <translation>EfficientNet-B0</translation>
    </message>
</context>
<context>
    <name>training_panel</name>
    <message>
        <source>Reading photos</source>
        <translation>Leyendo fotos</translation>
    </message>
    <message>
        <source>Extracting features with %1</source>
        <translation>Extrayendo características con %1</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entrenando</translation>
    </message>
    <message>
        <source>Training the head (base frozen)</source>
        <translation>Entrenando el cabezal (base congelada)</translation>
    </message>
    <message>
        <source>Fine-tuning the top block</source>
        <translation>Ajuste fino del bloque superior</translation>
    </message>
    <message>
        <source>Measuring accuracy on the test photos</source>
        <translation>Midiendo la exactitud con las fotos de prueba</translation>
    </message>
    <message>
        <source>hashing photos</source>
        <translation>calculando la huella de las fotos</translation>
    </message>
    <message>
        <source>reading photos</source>
        <translation>leyendo fotos</translation>
    </message>
    <message>
        <source>checking photos</source>
        <translation>comprobando fotos</translation>
    </message>
    <message>
        <source>extracting features</source>
        <translation>extrayendo características</translation>
    </message>
    <message>
        <source>Reading features from the feature cache (computed once per photo)</source>
        <translation>Se leen las características de la caché de características (calculadas una vez por foto)</translation>
    </message>
    <message>
        <source>Reading decoded photos from the pixel cache on disk (decoded once per photo)</source>
        <translation>Se leen las fotos decodificadas de la caché de píxeles en disco (decodificadas una vez por foto)</translation>
    </message>
    <message>
        <source>Reading photos decoded every epoch (the pixel cache would pass its disk budget)</source>
        <translation>Se leen las fotos decodificándolas en cada época (la caché de píxeles superaría el espacio en disco asignado)</translation>
    </message>
    <message>
        <source>Class weights are on, but every class has as many training photos: they change nothing</source>
        <translation>Los pesos de clase están activados, pero todas las clases tienen las mismas fotos de entrenamiento: no cambian nada</translation>
    </message>
    <message>
        <source>Classes weighted against imbalance (the largest class has %1 times the photos of the smallest): each photo of %2 counts %3 times one of %4 in the loss</source>
        <translation>Clases ponderadas contra el desequilibrio (la clase más grande tiene %1 veces las fotos de la más pequeña): en la pérdida, cada foto de %2 cuenta %3 veces lo que una de %4</translation>
    </message>
    <message>
        <source>Classes weighted against imbalance (as chosen): each photo of %1 counts %2 times one of %3 in the loss</source>
        <translation>Clases ponderadas contra el desequilibrio (según lo elegido): en la pérdida, cada foto de %1 cuenta %2 veces lo que una de %3</translation>
    </message>
    <message>
        <source>pixel cache: %1 cannot be used (%2); its photos are computed again</source>
        <translation>caché de píxeles: %1 no se puede usar (%2); sus fotos se calculan de nuevo</translation>
    </message>
    <message>
        <source>feature cache: %1 cannot be used (%2); its photos are computed again</source>
        <translation>caché de características: %1 no se puede usar (%2); sus fotos se calculan de nuevo</translation>
    </message>
    <message>
        <source>CPU (%1 threads)</source>
        <translation>CPU (%1 hilos)</translation>
    </message>
    <message>
        <source>epoch</source>
        <comment>a plot&apos;s axis</comment>
        <translation>época</translation>
    </message>
    <message>
        <source>The curves appear here once training starts.</source>
        <translation>Las curvas aparecen aquí cuando empieza el entrenamiento.</translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>the computer ran out of memory; try a smaller image size or batch size</source>
        <translation>el ordenador se ha quedado sin memoria; probar con un tamaño de imagen o de lote menor</translation>
    </message>
    <message>
        <source>unexpected error (%1: %2)</source>
        <translation>error inesperado (%1: %2)</translation>
    </message>
</context>
</TS>
