<#
.SYNOPSIS
Runs PSIpc's Pester suite with the one PesterConfiguration of the project.

.DESCRIPTION
Imports the pinned Pester from the NuGet package folder (restoring tests/PSIpc.Tests if it is not there yet), runs
the given test files with detailed output and NUnit XML results, and exits with the number of failed tests (Run.Exit).
Run it in a fresh process, as `dotnet test` and `./build.ps1 -Task Test` do:

    tools/pwsh -NoProfile -NonInteractive -File tools/PesterTest.ps1 [-Path tests/Sockets.Tests.ps1] [-Tag ...]

.PARAMETER Path
Test files or folders; the whole tests/ folder by default.

.PARAMETER ResultPath
The NUnit XML file; out/test-results/<name>.xml by default, named after the single file run or 'PSIpc'.
#>
[CmdletBinding()]
param(
    [string[]]$Path = @([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($PSScriptRoot), 'tests')),
    [string]$ResultPath,
    [string[]]$Tag,
    [string[]]$ExcludeTag,
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string]$Output = 'Detailed'
)

$ErrorActionPreference = 'Stop'
# Error messages in the results as plain text: colour codes are not valid in NUnit XML.
$PSStyle.OutputRendering = 'PlainText'
$env:NO_COLOR = '1'
$PesterVersion = '5.9.1'
$root = Split-Path -Parent $PSScriptRoot
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pester = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
if (-not (Test-Path -LiteralPath $pester)) {
    # The test project downloads Pester from NuGet (PackageDownload): restoring it is all that is needed.
    & dotnet restore (Join-Path $root 'tests/PSIpc.Tests/PSIpc.Tests.csproj') -nologo -v quiet | Out-Host
    if (-not (Test-Path -LiteralPath $pester)) { throw "Pester $PesterVersion is not at $pester after dotnet restore." }
}
Import-Module $pester -RequiredVersion $PesterVersion -Force

if (-not $ResultPath) {
    $name = if ($Path.Count -eq 1 -and (Test-Path -LiteralPath $Path[0] -PathType Leaf)) {
        [System.IO.Path]::GetFileNameWithoutExtension($Path[0])
    }
    else { 'PSIpc' }
    $ResultPath = Join-Path $root "out/test-results/$name.xml"
}
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $ResultPath)

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.Exit = $true
$configuration.Run.Throw = $false
$configuration.Output.Verbosity = $Output
$configuration.Output.StackTraceVerbosity = 'Filtered'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultPath
if ($Tag) { $configuration.Filter.Tag = $Tag }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }
Invoke-Pester -Configuration $configuration
