<#
.SYNOPSIS
Builds, documents, tests and packages PSIpc.

.DESCRIPTION
Tasks:
  Build    dotnet build of src/PSIpc and src/PSIpc.Loader into bin/ (the folder PSIpc.psm1 loads), with the
           manifest's ModuleVersion.
  Help     en-US/PSIpc.dll-Help.xml and about_PSIpc.help.txt from docs/: PlatyPS's New-ExternalHelp when PlatyPS is
           installed, else the project's Markdig-based src/PSIpc.HelpGen (which dotnet build also runs).
  Test     the Pester suite under Pester 5.9.1 (from NuGet), run by tools/PesterTest.ps1 in a fresh pwsh; NUnit XML
           results in out/test-results/. dotnet test runs the same script, file by file, with the C# unit tests.
  Package  a publishable module folder under out/PSIpc/<version>: manifest, formats, assembly, deps.json,
           runtimes/ and en-US/. Builds first unless -NoBuild.
Without pwsh installed, run it with the pinned one: tools/pwsh -File build.ps1.

.EXAMPLE
./build.ps1
Builds, generates help (with PlatyPS where it is installed) and runs the Pester suite.

.EXAMPLE
./build.ps1 -Task Package
Builds in Release and lays out out/PSIpc/<version>, ready for Publish-Module or a copy into $env:PSModulePath.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Help', 'Test', 'Package')]
    [string[]]$Task = @('Build', 'Help', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',

    [string]$OutputPath = [System.IO.Path]::Combine($PSScriptRoot, 'out'),

    [switch]$NoBuild
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$manifestPath = [System.IO.Path]::Combine($root, 'PSIpc.psd1')
$version = [regex]::Match([System.IO.File]::ReadAllText($manifestPath), "ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value
if (-not $version) { throw "No ModuleVersion in $manifestPath." }

function Invoke-Native {
    param([string]$FileName, [string[]]$ArgumentList)
    & $FileName @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FileName $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    "build: PSIpc $version ($Configuration)"
    # The module's project also builds its loader (src/PSIpc.Loader) into bin/.
    Invoke-Native 'dotnet' @('build', [System.IO.Path]::Combine($root, 'src', 'PSIpc', 'PSIpc.csproj'), '-c', $Configuration, "-p:ModuleVersion=$version", '-nologo', '-v', 'quiet')
}

function Invoke-Help {
    $platyPS = Get-Module -ListAvailable -Name platyPS
    if ($platyPS) {
        Import-Module platyPS
        $null = New-ExternalHelp -Path ([System.IO.Path]::Combine($root, 'docs')) -OutputPath ([System.IO.Path]::Combine($root, 'en-US')) -Force
        'help: en-US generated with PlatyPS'
    }
    else {
        Invoke-Native 'dotnet' @('build', [System.IO.Path]::Combine($root, 'src', 'PSIpc.HelpGen', 'PSIpc.HelpGen.csproj'), '-c', $Configuration, '-nologo', '-v', 'quiet')
        'help: en-US generated with src/PSIpc.HelpGen (PlatyPS is not installed)'
    }
}

function Invoke-Test {
    # The one PesterConfiguration (tools/PesterTest.ps1), in a fresh pwsh: this one's, started again as a process.
    $pwsh = [System.Environment]::ProcessPath
    $prefix = if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @([System.Environment]::GetCommandLineArgs()[0]) } else { @() }
    & $pwsh @prefix -NoProfile -NonInteractive -File ([System.IO.Path]::Combine($root, 'tools', 'PesterTest.ps1'))
    if ($LASTEXITCODE -ne 0) { throw "$LASTEXITCODE Pester test(s) failed (results in out/test-results/)." }
}

function Invoke-Package {
    if (-not $NoBuild) { Invoke-Build }
    $bin = [System.IO.Path]::Combine($root, 'bin')
    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($bin, 'PSIpc.dll'))) { throw "bin/PSIpc.dll is missing: run ./build.ps1 -Task Build first." }
    $target = [System.IO.Path]::Combine($OutputPath, 'PSIpc', $version)
    if ([System.IO.Directory]::Exists($target)) { [System.IO.Directory]::Delete($target, $true) }
    $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::Combine($target, 'bin'))
    foreach ($file in 'PSIpc.psd1', 'PSIpc.psm1', 'PSIpc.Format.ps1xml', 'LICENSE', 'README.md') {
        [System.IO.File]::Copy([System.IO.Path]::Combine($root, $file), [System.IO.Path]::Combine($target, $file))
    }
    foreach ($file in 'PSIpc.Loader.dll', 'PSIpc.dll', 'PSIpc.deps.json') {
        $source = [System.IO.Path]::Combine($bin, $file)
        if ([System.IO.File]::Exists($source)) { [System.IO.File]::Copy($source, [System.IO.Path]::Combine($target, 'bin', $file)) }
    }
    Copy-Tree ([System.IO.Path]::Combine($bin, 'runtimes')) ([System.IO.Path]::Combine($target, 'bin', 'runtimes'))
    Copy-Tree ([System.IO.Path]::Combine($root, 'en-US')) ([System.IO.Path]::Combine($target, 'en-US'))
    "package: $target"
}

function Copy-Tree {
    param([string]$From, [string]$To)
    if (-not [System.IO.Directory]::Exists($From)) { return }
    foreach ($file in [System.IO.Directory]::GetFiles($From, '*', [System.IO.SearchOption]::AllDirectories)) {
        $relative = [System.IO.Path]::GetRelativePath($From, $file)
        $destination = [System.IO.Path]::Combine($To, $relative)
        $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($destination))
        [System.IO.File]::Copy($file, $destination, $true)
    }
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Help' { Invoke-Help }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
    }
}
