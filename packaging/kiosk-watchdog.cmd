@echo off
rem Keeps 绿策通 running as a kiosk (docs/kiosk.md): start it again a few seconds after it ends,
rem except when an administrator left kiosk mode on purpose (exit code 0).
rem Put a shortcut to this file in the kiosk account's Startup folder, or run it from a scheduled
rem task "At log on". Adjust APP if GreenMeasures is installed elsewhere.
setlocal
set "APP=%~dp0GreenMeasures.exe"
if not exist "%APP%" set "APP=%ProgramFiles%\GreenMeasures\GreenMeasures.exe"
:again
"%APP%" --kiosk
if %ERRORLEVEL% EQU 0 goto :eof
timeout /t 3 /nobreak >nul
goto again
