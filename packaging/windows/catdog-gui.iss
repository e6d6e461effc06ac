; Inno Setup 6 script: a Windows installer for the one-folder bundle that packaging/catdog-gui.spec makes
; in dist\catdog-gui\ on Windows. Steps (run from the repository root): see packaging/windows/README.md.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\catdog-gui.iss     ->  dist\catdog-gui-0.1.0-windows-x64-setup.exe
;
; It installs for the current user (no administrator rights needed; an administrator may choose all users),
; adds a Start menu entry (and a desktop icon if asked), and registers an uninstaller. Uninstalling removes
; the program only: trained models and runs in %USERPROFILE%\catdog-gui stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "catdog-gui"
#define AppExe "catdog-gui.exe"

[Setup]
AppId={{356BA4AF-EFE8-4F1A-A1F0-C53B2918291B}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=catdog-gui
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\packaging\catdog-gui.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
; The CUDA build of PyTorch makes the bundle several GB: a single setup.exe cannot hold that much, so the
; installer comes as setup.exe plus .bin slices kept beside it. Fast LZMA2 keeps the build time reasonable;
; CUDA's libraries barely compress anyway.
Compression=lzma2/fast
SolidCompression=no
DiskSpanning=yes
DiskSliceSize=max

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\catdog-gui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Train an image classifier on your own photos"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave compiled files beside the program; user data lives elsewhere and is not touched.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
