; Inno Setup script for the desktop cart on Windows (docs/shopper.md, "Windows"): after
; `pyinstaller installers\cartstart.spec` made dist\cartstart\, run
;   iscc installers\cartstart.iss
; to get dist\CartStart-setup.exe. It installs for the current user (no administrator needed),
; adds a Start menu entry, and registers the cartstart: link scheme the cart opens.
#define AppVersion "0.1.0"

[Setup]
AppId={{5B0E7C52-4C55-4F3B-9D0B-7A1C3E2F9A10}
AppName=CartStart
AppVersion={#AppVersion}
AppPublisher=CartStart contributors
DefaultDirName={localappdata}\Programs\CartStart
DefaultGroupName=CartStart
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=CartStart-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
LicenseFile=..\LICENSE
UninstallDisplayIcon={app}\cartstart.exe

[Files]
Source: "..\dist\cartstart\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{userprograms}\CartStart"; Filename: "{app}\cartstart.exe"

[Registry]
; cartstart: links open the cart (HKCU: this user's classes, removed on uninstall).
Root: HKCU; Subkey: "Software\Classes\cartstart"; ValueType: string; ValueName: ""; ValueData: "URL:CartStart link"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\cartstart"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\cartstart\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\cartstart.exe"",0"
Root: HKCU; Subkey: "Software\Classes\cartstart\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\cartstart.exe"" ""%1"""

[Run]
Filename: "{app}\cartstart.exe"; Description: "Start CartStart"; Flags: nowait postinstall skipifsilent
