# Installs vegas-credentials for Windows from a release archive, after checking its SHA-256.
#   irm https://github.com/vegas-credentials/vegas-credentials/releases/latest/download/install.ps1 | iex
#   .\install.ps1 [-Dir DIR] [-BaseUrl URL]
# Environment: VEGAS_CREDENTIALS_INSTALL_DIR (default %LOCALAPPDATA%\Programs\vegas-credentials),
# VEGAS_CREDENTIALS_BASE_URL (where the release files are). Re-running it upgrades in place.
param(
  [string]$Dir = $env:VEGAS_CREDENTIALS_INSTALL_DIR,
  [string]$BaseUrl = $env:VEGAS_CREDENTIALS_BASE_URL
)
# Run by `irm | iex` this runs in the caller's session: it must not `exit` it (the window would close) nor
# leave its preferences behind, so the work happens in a script block of its own and failures are thrown.
$FromFile = [bool]$PSCommandPath
$Failed = & {
  $ErrorActionPreference = 'Stop'
  $ProgressPreference = 'SilentlyContinue'
  $Repository = 'vegas-credentials/vegas-credentials'
  function Fail([string]$Message) { throw $Message }
  # Windows PowerShell 5.1 may not offer TLS 1.2 to GitHub by default.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
  try {
    if (-not $BaseUrl) { $BaseUrl = "https://github.com/$Repository/releases/latest/download" }
    $BaseUrl = $BaseUrl.TrimEnd('/')
    if (-not $Dir) { $Dir = Join-Path $env:LOCALAPPDATA 'Programs\vegas-credentials' }

    # Windows on ARM runs the x64 build under emulation.
    $arch = $env:PROCESSOR_ARCHITECTURE
    if ($arch -ne 'AMD64' -and $arch -ne 'ARM64') { Fail "there is no vegas-credentials build for Windows on $arch: only x64" }
    $name = 'vegas-credentials-windows-x64.zip'

    $work = Join-Path ([IO.Path]::GetTempPath()) ("vegas-credentials-" + [Guid]::NewGuid())
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
      Write-Host "Downloading $name from $BaseUrl"
      try {
        Invoke-WebRequest -UseBasicParsing -Uri "$BaseUrl/$name" -OutFile (Join-Path $work $name)
        Invoke-WebRequest -UseBasicParsing -Uri "$BaseUrl/SHA256SUMS" -OutFile (Join-Path $work 'SHA256SUMS')
      } catch {
        Fail "could not download from ${BaseUrl}: $($_.Exception.Message)"
      }
      $expected = $null
      foreach ($line in Get-Content (Join-Path $work 'SHA256SUMS')) {
        $fields = $line -split '\s+', 2
        if ($fields.Count -eq 2 -and $fields[1].TrimStart('*') -eq $name) { $expected = $fields[0].ToLowerInvariant(); break }
      }
      if (-not $expected) { Fail "SHA256SUMS has no line for ${name}: refusing to install it (nothing was installed)" }
      $actual = (Get-FileHash -Algorithm SHA256 -Path (Join-Path $work $name)).Hash.ToLowerInvariant()
      if ($actual -ne $expected) { Fail "the SHA-256 of $name is $actual, but SHA256SUMS says ${expected}: refusing to install it (nothing was installed)" }

      # Only the binary comes out of the (checked) archive.
      $unpacked = Join-Path $work 'unpacked'
      Expand-Archive -Path (Join-Path $work $name) -DestinationPath $unpacked
      $binary = Join-Path $unpacked 'vegas-credentials.exe'
      if (-not (Test-Path -PathType Leaf $binary)) { Fail "$name holds no vegas-credentials.exe: refusing to install it (nothing was installed)" }

      New-Item -ItemType Directory -Force -Path $Dir | Out-Null
      $target = Join-Path $Dir 'vegas-credentials.exe'
      Move-Item -Force -Path $binary -Destination $target
      $version = & $target version
      if ($LASTEXITCODE -ne 0) { Fail "installed $target, but it does not run here" }
      Write-Host "Installed vegas-credentials $version as $target"

      $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
      if (-not (($userPath -split ';') -contains $Dir)) {
        Write-Host ""
        Write-Host "$Dir is not on your PATH. To add it for your user (then open a new terminal):"
        Write-Host "  [Environment]::SetEnvironmentVariable('Path', `"`$([Environment]::GetEnvironmentVariable('Path', 'User'));$Dir`", 'User')"
      }
      Write-Host ""
      Write-Host "In %USERPROFILE%\.aws\config, point credential_process at it by its full path:"
      Write-Host "  credential_process = `"$target`" assume --profile=NAME"
    } finally {
      Remove-Item -Recurse -Force -Path $work -ErrorAction SilentlyContinue
    }
    $false
  } catch {
    [Console]::Error.WriteLine("install.ps1: $($_.Exception.Message)")
    $true
  }
}
if ($Failed -and $FromFile) { exit 1 }
