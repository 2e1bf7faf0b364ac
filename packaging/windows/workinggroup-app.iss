; Inno Setup 6 script: the Windows installer of Working Group Case Manager.
;
; Built by packaging/build.py on Windows, which passes the version (from the package
; metadata, importlib.metadata.version("workinggroup-app")) and the paths:
;   iscc /DAppVersion=X.Y.Z /DSourceDir=dist\workinggroup-app /DIconFile=...\workinggroup-app.ico
;        /DOutputDir=dist packaging\windows\workinggroup-app.iss
; The version is never written in this file.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (packaging/build.py does this)
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\workinggroup-app"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\packaging\icons\workinggroup-app.ico"
#endif

#define AppName "Working Group Case Manager"
#define AppExe "workinggroup-app.exe"
#define AppCli "workinggroup-app-cli.exe"

[Setup]
; The AppId identifies the application for upgrades and uninstall: never change it.
AppId={{6C1E4D52-8A3B-4F0E-9C2D-5B7A1E3F9D40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=US delegation, US-China counternarcotics working group
VersionInfoVersion={#AppVersionNumeric}
DefaultDirName={autopf}\Working Group Case Manager
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for the current user without administrator rights; an administrator can choose
; "for all users" in the dialog (or /ALLUSERS on the command line).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=workinggroup-app-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Chinese setup texts: official from Inno Setup 6.4, under Unofficial\ in older versions.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(CompilerPath + "Languages\Unofficial\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\Unofficial\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the application folder as a whole: no stale files of an older version.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The database, settings and logs live in the user's folders (AppData), never in {app}:
; uninstalling leaves them in place.
