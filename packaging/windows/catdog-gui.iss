; Inno Setup 6 script: a Windows installer for the one-folder bundle that packaging/catdog-gui.spec makes
; in dist\catdog-gui\ on Windows. packaging/build.py runs it (see packaging/windows/README.md):
;
;   iscc /DAppVersion=0.1.0 packaging\windows\catdog-gui.iss     ->  dist\catdog-gui-0.1.0-windows-x64-setup.exe
;
; It installs for the current user into %LOCALAPPDATA%\Programs\catdog-gui (no administrator rights needed;
; an administrator may choose all users), adds a Start menu entry (and a desktop icon if asked), offers the
; app in Explorer's "Open with" for photos, and registers an uninstaller. The folder holds catdog-gui.exe (the
; window) and catdog-gui-cli.exe (the same program for a terminal). Uninstalling removes
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
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\packaging\catdog-gui.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
; PyPI's torch for Windows is a CPU build, so the bundle fits one setup file. A CUDA build (several GB) would
; need DiskSpanning=yes, which writes .bin slices to keep beside setup.exe.
Compression=lzma2
SolidCompression=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\catdog-gui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Train an image classifier on your own photos"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Explorer's "Open with" list for photos and model files: the application's own key (HKA is the current
; user's classes for a per-user install, the machine's for all users). Nothing is taken over as default.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".jpg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".jpeg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".png"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".webp"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".bmp"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".gif"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".tif"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".tiff"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".safetensors"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave compiled files beside the program; user data lives elsewhere and is not touched.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
