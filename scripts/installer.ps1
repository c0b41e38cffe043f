# Dagu installer for Windows (PowerShell 5.1 or 7+).
#
#   irm <releases>/latest/download/installer.ps1 | iex
#   & ([scriptblock]::Create((irm <releases>/latest/download/installer.ps1))) -Version 0.1.0 -Yes
#
# Downloads dagu_windows_amd64.zip and SHA256SUMS from
#   $env:DAGU_INSTALL_BASE_URL/latest/download/<asset>        (default)
#   $env:DAGU_INSTALL_BASE_URL/download/v<version>/<asset>    (-Version V)
# checks the zip's SHA-256 against SHA256SUMS and installs <dir>\dagu.exe. Nothing is
# installed when a download or the checksum fails.
#
#   -Version V        version to install (default: latest; also $env:DAGU_INSTALL_VERSION)
#   -InstallDir DIR   default $env:LOCALAPPDATA\Programs\dagu (also $env:DAGU_INSTALL_DIR)
#   -Yes              never ask (implied when $env:CI is set or input is redirected)
#   -NoModifyPath     do not add the install folder to the user's PATH
#
# Exit codes: 0 installed, 1 failure.
# This script cannot be run on the project's Linux CI; keep it simple and careful.

param(
  [string]$Version = $env:DAGU_INSTALL_VERSION,
  [string]$InstallDir = $env:DAGU_INSTALL_DIR,
  [switch]$Yes,
  [switch]$NoModifyPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

# The project's releases page; keep in sync with packaging/release.json and installer.sh.
$DefaultBaseUrl = 'https://github.com/dagu-ts/dagu/releases'

# Errors are thrown and reported once at the end: `exit` inside `irm | iex` would close the
# user's PowerShell window.
function Fail([string]$Message) { throw [InvalidOperationException]::new($Message) }
$ScriptFile = $MyInvocation.MyCommand.Path
$code = 0
try {

try {
  # Windows PowerShell 5.1 may default to TLS 1.0.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
} catch { }

$BaseUrl = if ($env:DAGU_INSTALL_BASE_URL) { $env:DAGU_INSTALL_BASE_URL.TrimEnd('/') } else { $DefaultBaseUrl }
if ($Version) {
  $Version = $Version.TrimStart('v')
  if ($Version -notmatch '^[0-9][0-9A-Za-z.+-]*$') { Fail "-Version: expected a version such as 1.2.3, got '$Version'" }
  $DownloadBase = "$BaseUrl/download/v$Version"
} else {
  $DownloadBase = "$BaseUrl/latest/download"
}

# Only an x64 build is released; Windows on ARM64 runs it under x64 emulation.
$arch = $env:PROCESSOR_ARCHITECTURE
if ($arch -ne 'AMD64' -and $arch -ne 'ARM64') { Fail "unsupported CPU architecture: $arch (release builds: x64)" }
$Asset = 'dagu_windows_amd64.zip'

if (-not $InstallDir) { $InstallDir = Join-Path $env:LOCALAPPDATA 'Programs\dagu' }

$interactive = -not $Yes -and -not $env:CI -and [Environment]::UserInteractive -and -not [Console]::IsInputRedirected
if ($interactive) {
  $label = if ($Version) { $Version } else { 'latest' }
  $answer = Read-Host "Install dagu $label into $InstallDir? [Y/n]"
  if ($answer -and $answer -notmatch '^[Yy]') { Fail 'cancelled; nothing installed' }
}

$Work = Join-Path ([IO.Path]::GetTempPath()) ("dagu-install-" + [Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $Work | Out-Null
try {
  $zip = Join-Path $Work $Asset
  $sums = Join-Path $Work 'SHA256SUMS'
  Write-Host "Downloading $DownloadBase/$Asset"
  try {
    Invoke-WebRequest -UseBasicParsing -Uri "$DownloadBase/$Asset" -OutFile $zip
    Invoke-WebRequest -UseBasicParsing -Uri "$DownloadBase/SHA256SUMS" -OutFile $sums
  } catch {
    Fail "download failed: $($_.Exception.Message)"
  }

  $expected = $null
  foreach ($line in Get-Content -LiteralPath $sums) {
    $parts = $line.Trim() -split '\s+', 2
    if ($parts.Count -eq 2 -and $parts[1].TrimStart('*') -eq $Asset) { $expected = $parts[0].ToLowerInvariant(); break }
  }
  if (-not $expected) { Fail "SHA256SUMS has no entry for $Asset" }
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash.ToLowerInvariant()
  if ($actual -ne $expected) { Fail "checksum mismatch for ${Asset}: expected $expected, got $actual; nothing installed" }
  Write-Host "Checksum OK ($actual)"

  $unpacked = Join-Path $Work 'unpacked'
  Expand-Archive -LiteralPath $zip -DestinationPath $unpacked -Force
  $exe = Join-Path $unpacked 'dagu.exe'
  if (-not (Test-Path -LiteralPath $exe)) { Fail "$Asset does not contain dagu.exe" }

  New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
  $target = Join-Path $InstallDir 'dagu.exe'
  # A running dagu.exe cannot be overwritten, but it can be renamed out of the way.
  if (Test-Path -LiteralPath $target) {
    $old = "$target.old"
    Remove-Item -LiteralPath $old -Force -ErrorAction SilentlyContinue
    Move-Item -LiteralPath $target -Destination $old -Force
  }
  Copy-Item -LiteralPath $exe -Destination $target -Force
  $installed = (& $target version 2>$null | Select-Object -First 1)
  Write-Host "Installed dagu $installed to $target"

  $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
  if (-not $userPath) { $userPath = '' }
  $onPath = ($userPath -split ';') -contains $InstallDir
  if (-not $onPath -and -not $NoModifyPath) {
    [Environment]::SetEnvironmentVariable('Path', (($userPath.TrimEnd(';') + ";$InstallDir").TrimStart(';')), 'User')
    Write-Host "Added $InstallDir to your user PATH (open a new terminal to use it)."
  } elseif (-not $onPath) {
    Write-Host "$InstallDir is not on your PATH."
  }
  Write-Host ''
  Write-Host 'Next:'
  Write-Host '  dagu version'
  Write-Host '  dagu start my-dag.yaml     # run a DAG file in the foreground; exit 1 if it fails'
} finally {
  Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}
} catch {
  Write-Host "error: $($_.Exception.Message)" -ForegroundColor Red
  $code = 1
}
if ($ScriptFile) { exit $code }
