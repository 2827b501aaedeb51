; 绿策通 GreenMeasures — Inno Setup 6 script (Windows installer)
;
; Compiled by `python packaging/build.py --installer` on Windows, or by hand after a build:
;
;   iscc /DAppVersion=0.1.0 packaging\greenmeasures.iss
;
; Defines (all optional; /DName=value on the iscc command line):
;   AppVersion  the version shown and used in the file name; default: the ProductVersion of the
;               built GreenMeasures.exe (its version resource comes from pyproject.toml)
;   SourceDir   the PyInstaller folder; default: ..\dist\GreenMeasures beside this script
;   OutputDir   where the setup program goes; default: ..\dist
;   AppPublisher  shown in Settings > Apps; default: GreenMeasures
;
; What it does: installs the folder to {autopf}\GreenMeasures (Program Files for all users; a
; per-user install to %LOCALAPPDATA%\Programs can be chosen in the first dialog); Start-menu
; entries 绿策通 and 绿策通 自助终端 (the same program with --kiosk); an optional desktop icon;
; Inno's uninstaller with its entry in Settings > Apps. Uninstalling removes the program folder
; only: the user's settings, drafts, recent files and imported measure packs live in
; %APPDATA%\GreenMeasures and %LOCALAPPDATA%\GreenMeasures (core/settings.py) and are kept, so a
; reinstall or an upgrade finds them again. Nothing here deletes them.
;
; The file is UTF-8 with a byte-order mark, which Inno Setup 6 needs to read the Chinese text.

#define AppExeName "GreenMeasures.exe"
#define AppName "绿策通 GreenMeasures"
#define StartMenuName "绿策通"
#define KioskShortcutName "绿策通 自助终端"

#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\dist\GreenMeasures"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\dist"
#endif
#ifndef AppPublisher
  #define AppPublisher "GreenMeasures"
#endif

#if !FileExists(AddBackslash(SourceDir) + AppExeName)
  #error The program is not built: run python packaging\build.py first (or pass /DSourceDir=...)
#endif
#if FileExists(AddBackslash(SourceDir) + "portable.txt")
  #error SourceDir is a portable copy (it has portable.txt): point it at dist\GreenMeasures
#endif

#ifndef AppVersion
  #define AppVersion GetStringFileInfo(AddBackslash(SourceDir) + AppExeName, "ProductVersion")
#endif
; Four numbers for the setup program's own version resource (from the exe's FileVersion).
#define AppVersionNumbers GetVersionNumbersString(AddBackslash(SourceDir) + AppExeName)

[Setup]
; Fixed for every version: Windows knows an upgrade by it. Never change it.
AppId={{1F87B653-4B8B-465A-BE48-6E2F1695EBCD}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\GreenMeasures
DefaultGroupName={#StartMenuName}
DisableProgramGroupPage=auto
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
; PySide6 (Qt 6) runs on 64-bit Windows 10 and later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=GreenMeasures-{#AppVersion}-setup
SetupIconFile=..\resources\icons\greenmeasures.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running copy (the desktop window or the kiosk) is asked to close before files are replaced.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto
; Code signing (out of scope, docs/packaging.md): define a sign tool in the IDE or with
; iscc /Ssigntool=..., then uncomment, so setup and uninstaller are signed too:
;SignTool=signtool
;SignedUninstaller=yes

[Languages]
; Inno Setup 6 installs Default.isl (English) and the official translations. ChineseSimplified.isl
; is not among the files its installer puts in Languages\ (it is maintained as a contributed
; translation); when it is there, or in packaging\inno\ beside this script, the wizard speaks
; Simplified Chinese on a Chinese Windows, otherwise English.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "inno\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "inno\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole runtime: files an older build had and this one has not (a Qt
; plugin, a library) must not linger in _internal and be loaded by the new program.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The PyInstaller folder as built. A portable marker or a portable data folder never goes into
; Program Files (the program would then write its data there).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Excludes: "\portable.txt,\data"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#StartMenuName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Comment: "深圳绿色低碳扶持措施查询与申报准备"
Name: "{group}\{#KioskShortcutName}"; Filename: "{app}\{#AppExeName}"; Parameters: "--kiosk"; WorkingDir: "{app}"; Comment: "自助终端模式（全屏，访客数据不落盘；退出需管理密码）"
Name: "{group}\{cm:UninstallProgram,{#StartMenuName}}"; Filename: "{uninstallexe}"; IconFilename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#StartMenuName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#StartMenuName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program may leave inside its own folder. The user's data in %APPDATA% and
; %LOCALAPPDATA% is deliberately not listed: uninstalling keeps it (see the top of this file).
Type: dirifempty; Name: "{app}"
