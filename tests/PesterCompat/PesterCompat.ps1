# PesterCompat: a small Pester-compatible runner for machines where Pester cannot be installed.
#
# It implements exactly the subset of Pester 5 that PSIpc's tests use, with Pester 5's two phases and scoping:
#   Describe, Context, It (-TestCases/-ForEach, -Skip), BeforeAll, AfterAll, BeforeEach, AfterEach, and
#   Should -Be, -BeExactly, -BeTrue, -BeFalse, -BeNullOrEmpty, -BeOfType, -HaveCount, -Match, -Contain,
#   -BeGreaterThan, -BeLessThan, -BeGreaterOrEqual, -BeLessOrEqual, -Throw (-ExpectedMessage, -ErrorId,
#   -ExceptionType, -PassThru), each with -Not.
# Discovery runs each file's body to collect blocks and tests; the run phase then runs BeforeAll in the block's scope
# (so its variables are visible in every It below it), each It in a child scope, and AfterAll even when tests fail.
# Anything outside the subset is an error, never a pass. Dot-source this file, then call Invoke-PesterCompat.
# It uses only the engine's core cmdlets, so it runs in PSIpc.Host as well as in pwsh.

Set-StrictMode -Off

$script:PcState = $null

function New-PcBlock {
    param([string]$Name, [string]$Kind, $Parent)
    [pscustomobject]@{
        Name       = $Name
        Kind       = $Kind
        Parent     = $Parent
        Children   = [System.Collections.Generic.List[object]]::new()
        BeforeAll  = [System.Collections.Generic.List[scriptblock]]::new()
        AfterAll   = [System.Collections.Generic.List[scriptblock]]::new()
        BeforeEach = [System.Collections.Generic.List[scriptblock]]::new()
        AfterEach  = [System.Collections.Generic.List[scriptblock]]::new()
        Skip       = $false
    }
}

function Get-PcCurrentBlock {
    if ($null -eq $script:PcState -or -not $script:PcState.Discovery) {
        throw 'Describe, Context, It and the setup blocks can only be used in a test file run by Invoke-PesterCompat (or Invoke-Pester), during discovery.'
    }
    $script:PcState.Current
}

function Add-PcBlock {
    param([string]$Name, [string]$Kind, [scriptblock]$Fixture, [bool]$Skip)
    $parent = Get-PcCurrentBlock
    $block = New-PcBlock -Name $Name -Kind $Kind -Parent $parent
    $block.Skip = $Skip -or $parent.Skip
    $parent.Children.Add($block)
    $script:PcState.Current = $block
    try {
        . $Fixture
    }
    finally {
        $script:PcState.Current = $parent
    }
}

function Describe {
    param(
        [Parameter(Mandatory, Position = 0)][string]$Name,
        [Parameter(Mandatory, Position = 1)][scriptblock]$Fixture,
        [string[]]$Tag,
        [switch]$Skip
    )
    Add-PcBlock -Name $Name -Kind 'Describe' -Fixture $Fixture -Skip $Skip.IsPresent
}

function Context {
    param(
        [Parameter(Mandatory, Position = 0)][string]$Name,
        [Parameter(Mandatory, Position = 1)][scriptblock]$Fixture,
        [string[]]$Tag,
        [switch]$Skip
    )
    Add-PcBlock -Name $Name -Kind 'Context' -Fixture $Fixture -Skip $Skip.IsPresent
}

function It {
    param(
        [Parameter(Mandatory, Position = 0)][string]$Name,
        [Parameter(Position = 1)][scriptblock]$Test,
        [Alias('ForEach')][System.Collections.IDictionary[]]$TestCases,
        [string[]]$Tag,
        [switch]$Skip
    )
    $parent = Get-PcCurrentBlock
    if ($null -eq $Test) {
        throw "It '$Name' has no test body."
    }
    if ($PSBoundParameters.ContainsKey('TestCases')) { $cases = $TestCases } else { $cases = @($null) }
    foreach ($case in $cases) {
        $expanded = $Name
        if ($null -ne $case) {
            foreach ($key in $case.Keys) {
                $expanded = $expanded.Replace("<$key>", [string]$case[$key])
            }
        }
        $parent.Children.Add([pscustomobject]@{
                Name  = $expanded
                Kind  = 'It'
                Body  = $Test
                Data  = $case
                Skip  = $Skip.IsPresent -or $parent.Skip
                Block = $parent
            })
    }
}

function BeforeAll { param([Parameter(Mandatory, Position = 0)][scriptblock]$Scriptblock) (Get-PcCurrentBlock).BeforeAll.Add($Scriptblock) }
function AfterAll { param([Parameter(Mandatory, Position = 0)][scriptblock]$Scriptblock) (Get-PcCurrentBlock).AfterAll.Add($Scriptblock) }
function BeforeEach { param([Parameter(Mandatory, Position = 0)][scriptblock]$Scriptblock) (Get-PcCurrentBlock).BeforeEach.Add($Scriptblock) }
function AfterEach { param([Parameter(Mandatory, Position = 0)][scriptblock]$Scriptblock) (Get-PcCurrentBlock).AfterEach.Add($Scriptblock) }

function Format-PcValue {
    param($Value, [int]$Depth = 0)
    if ($null -eq $Value) { return '$null' }
    if ($Depth -gt 2) { return "$Value" }
    if ($Value -is [string]) { return "'$Value'" }
    if ($Value -is [bool]) { return "`$$Value" }
    if ($Value -is [scriptblock]) { return "{$Value}" }
    if ($Value -is [System.Collections.IDictionary]) {
        return '@{' + ((@($Value.Keys) | ForEach-Object { "$_=$(Format-PcValue $Value[$_] ($Depth + 1))" }) -join '; ') + '}'
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        return '@(' + ((@($Value) | ForEach-Object { Format-PcValue $_ ($Depth + 1) }) -join ', ') + ')'
    }
    "$Value"
}

function Test-PcEqual {
    param($Actual, $Expected, [switch]$CaseSensitive)
    $actualIsList = $Actual -is [System.Collections.IEnumerable] -and $Actual -isnot [string]
    $expectedIsList = $Expected -is [System.Collections.IEnumerable] -and $Expected -isnot [string]
    if ($actualIsList -or $expectedIsList) {
        $a = @($Actual); $e = @($Expected)
        if ($a.Count -ne $e.Count) { return $false }
        for ($i = 0; $i -lt $a.Count; $i++) {
            if (-not (Test-PcEqual $a[$i] $e[$i] -CaseSensitive:$CaseSensitive)) { return $false }
        }
        return $true
    }
    if ($null -eq $Actual -or $null -eq $Expected) { return $null -eq $Actual -and $null -eq $Expected }
    if ($CaseSensitive) { return [bool]($Actual -ceq $Expected) }
    [bool]($Actual -eq $Expected)
}

function Should {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)] $ActualValue,
        [Parameter(Position = 0)][Alias('RegularExpression', 'ExpectedType')] $ExpectedValue,
        [switch]$Not,
        [switch]$Be, [switch]$BeExactly, [switch]$BeTrue, [switch]$BeFalse, [switch]$BeNullOrEmpty, [switch]$BeOfType,
        [switch]$HaveCount, [switch]$Match, [switch]$Contain, [switch]$BeGreaterThan, [switch]$BeLessThan,
        [switch]$BeGreaterOrEqual, [switch]$BeLessOrEqual, [switch]$Throw,
        [string]$ExpectedMessage, [string]$ErrorId, [type]$ExceptionType, [switch]$PassThru, [string]$Because
    )
    begin {
        $items = [System.Collections.Generic.List[object]]::new()
    }
    process {
        $items.Add($ActualValue)
    }
    end {
        $operators = @('Be', 'BeExactly', 'BeTrue', 'BeFalse', 'BeNullOrEmpty', 'BeOfType', 'HaveCount', 'Match', 'Contain',
            'BeGreaterThan', 'BeLessThan', 'BeGreaterOrEqual', 'BeLessOrEqual', 'Throw') | Where-Object { $PSBoundParameters.ContainsKey($_) }
        if (@($operators).Count -ne 1) {
            throw "Should needs exactly one operator (such as -Be or -Throw); got $(if (@($operators).Count) { $operators -join ', ' } else { 'none' })."
        }
        $operator = @($operators)[0]
        $actual = switch ($items.Count) { 0 { $null } 1 { $items[0] } default { $items.ToArray() } }
        $because = if ($Because) { " because $Because" } else { '' }
        $expected = $ExpectedValue
        $thrown = $null

        switch ($operator) {
            'Be' { $ok = Test-PcEqual $actual $expected; $what = "$(Format-PcValue $expected)" }
            'BeExactly' { $ok = Test-PcEqual $actual $expected -CaseSensitive; $what = "exactly $(Format-PcValue $expected)" }
            'BeTrue' { $ok = [bool]$actual; $what = '$true' }
            'BeFalse' { $ok = -not [bool]$actual; $what = '$false' }
            'BeNullOrEmpty' {
                $ok = $items.Count -eq 0 -or $null -eq $actual -or ($actual -is [string] -and $actual.Length -eq 0) -or
                    ($actual -is [System.Collections.ICollection] -and $actual.Count -eq 0)
                $what = '$null or empty'
            }
            'BeOfType' {
                $type = if ($expected -is [type]) { $expected } else { [type]("$expected".Trim('[', ']')) }
                $ok = $actual -is $type; $what = "of type [$($type.FullName)]"
                $actual = if ($null -eq $actual) { $null } else { "$(Format-PcValue $actual) of type [$($actual.GetType().FullName)]" }
            }
            'HaveCount' {
                $count = if ($items.Count -eq 1 -and $items[0] -is [System.Collections.ICollection]) { $items[0].Count } else { $items.Count }
                $ok = $count -eq $expected; $what = "a collection with size $expected"; $actual = "size $count"
            }
            'Match' { $ok = [bool]("$actual" -match $expected); $what = "to match regex '$expected'" }
            'Contain' { $ok = @($items | Where-Object { Test-PcEqual $_ $expected }).Count -gt 0; $what = "to contain $(Format-PcValue $expected)"; $actual = $items.ToArray() }
            'BeGreaterThan' { $ok = [bool]($actual -gt $expected); $what = "greater than $(Format-PcValue $expected)" }
            'BeLessThan' { $ok = [bool]($actual -lt $expected); $what = "less than $(Format-PcValue $expected)" }
            'BeGreaterOrEqual' { $ok = [bool]($actual -ge $expected); $what = "greater than or equal to $(Format-PcValue $expected)" }
            'BeLessOrEqual' { $ok = [bool]($actual -le $expected); $what = "less than or equal to $(Format-PcValue $expected)" }
            'Throw' {
                if ($actual -isnot [scriptblock]) {
                    throw 'Should -Throw takes a script block: { ... } | Should -Throw.'
                }
                if (-not $ExpectedMessage -and $null -ne $expected) { $ExpectedMessage = "$expected" }
                try {
                    $null = & $actual
                }
                catch {
                    $thrown = $_
                }
                $ok = $null -ne $thrown
                $what = 'an exception to be thrown'
                if ($ok -and $ExpectedMessage) {
                    $ok = $thrown.Exception.Message -like $ExpectedMessage
                    $what += " with message like '$ExpectedMessage'"
                }
                if ($ok -and $ErrorId) {
                    $ok = $thrown.FullyQualifiedErrorId -like "*$ErrorId*"
                    $what += " with FullyQualifiedErrorId '$ErrorId'"
                }
                if ($ok -and $ExceptionType) {
                    $ok = $thrown.Exception -is $ExceptionType
                    $what += " of type [$($ExceptionType.FullName)]"
                }
                $actual = if ($null -eq $thrown) { 'no exception' } else { "[$($thrown.Exception.GetType().FullName)] '$($thrown.Exception.Message)' with FullyQualifiedErrorId '$($thrown.FullyQualifiedErrorId)'" }
            }
        }

        if ($Not) { $ok = -not $ok }
        if (-not $ok) {
            $message = if ($Not) { "Expected not $what$because, but got $(if ($actual -is [string]) { $actual } else { Format-PcValue $actual })." }
            else { "Expected $what$because, but got $(if ($operator -in 'Throw', 'HaveCount', 'BeOfType' -and $actual -is [string]) { $actual } else { Format-PcValue $actual })." }
            $exception = [System.Exception]::new($message)
            $exception.Data['PesterCompatLocation'] = "$($MyInvocation.ScriptName):$($MyInvocation.ScriptLineNumber)"
            $record = [System.Management.Automation.ErrorRecord]::new(
                $exception, 'PesterAssertionFailed', [System.Management.Automation.ErrorCategory]::InvalidResult, $ActualValue)
            throw $record
        }
        if ($PassThru -and $operator -eq 'Throw') { $thrown }
    }
}

function Get-PcBlockChain {
    param($Block)
    $chain = [System.Collections.Generic.List[object]]::new()
    for ($b = $Block; $null -ne $b; $b = $b.Parent) { $chain.Insert(0, $b) }
    $chain
}

function Get-PcFullName {
    param($Item)
    $names = foreach ($b in (Get-PcBlockChain $(if ($Item.Kind -eq 'It') { $Item.Block } else { $Item }))) { if ($b.Kind -ne 'File') { $b.Name } }
    (@($names) + $(if ($Item.Kind -eq 'It') { $Item.Name })) -join '.'
}

function Add-PcResult {
    param($Test, [string]$Result, [string]$Message, [double]$Milliseconds)
    $name = Get-PcFullName $Test
    $script:PcState.Results.Add([pscustomobject]@{ File = $script:PcState.File; Name = $name; Result = $Result; Message = $Message; Milliseconds = $Milliseconds })
    $depth = (Get-PcBlockChain $Test.Block).Count - 1
    $indent = '  ' * $depth
    switch ($Result) {
        'Passed' { [Console]::Out.WriteLine("$indent[+] $($Test.Name) $([int]$Milliseconds)ms") }
        'Skipped' { [Console]::Out.WriteLine("$indent[!] $($Test.Name) is skipped") }
        default {
            [Console]::Out.WriteLine("$indent[-] $($Test.Name) $([int]$Milliseconds)ms")
            foreach ($line in ($Message -split "`n")) { [Console]::Out.WriteLine("$indent    $line") }
        }
    }
}

function Get-PcTests {
    param($Block)
    foreach ($child in $Block.Children) {
        if ($child.Kind -eq 'It') { $child } else { Get-PcTests $child }
    }
}

function Format-PcError {
    param($ErrorRecord)
    $text = $ErrorRecord.Exception.Message
    if ($ErrorRecord.FullyQualifiedErrorId -notin 'PesterAssertionFailed', $text -and $ErrorRecord.FullyQualifiedErrorId) {
        $text = "[$($ErrorRecord.FullyQualifiedErrorId)] $text"
    }
    if ($ErrorRecord.Exception.Data.Contains('PesterCompatLocation')) {
        $text += "`nat $($ErrorRecord.Exception.Data['PesterCompatLocation'])"
    }
    elseif ($ErrorRecord.InvocationInfo -and $ErrorRecord.InvocationInfo.ScriptName) {
        $text += "`nat $($ErrorRecord.InvocationInfo.ScriptName):$($ErrorRecord.InvocationInfo.ScriptLineNumber)"
    }
    $text
}

function Invoke-PcTest {
    param($__pcTest, $__pcSetupError)
    if ($__pcTest.Skip) {
        Add-PcResult $__pcTest 'Skipped' '' 0
        return
    }
    if ($null -ne $__pcSetupError) {
        Add-PcResult $__pcTest 'Failed' "BeforeAll failed: $(Format-PcError $__pcSetupError)" 0
        return
    }
    $__pcWatch = [System.Diagnostics.Stopwatch]::StartNew()
    $__pcFailure = $null
    $__pcChain = Get-PcBlockChain $__pcTest.Block
    $__pcData = if ($null -ne $__pcTest.Data) { $__pcTest.Data } else { @{} }
    foreach ($__pcKey in $__pcData.Keys) {
        $ExecutionContext.SessionState.PSVariable.Set($__pcKey, $__pcData[$__pcKey])
    }
    try {
        foreach ($__pcBlock in $__pcChain) {
            foreach ($__pcSetup in $__pcBlock.BeforeEach) { . $__pcSetup }
        }
        $null = & $__pcTest.Body @__pcData
    }
    catch {
        $__pcFailure = $_
    }
    finally {
        for ($__pcI = $__pcChain.Count - 1; $__pcI -ge 0; $__pcI--) {
            foreach ($__pcTeardown in $__pcChain[$__pcI].AfterEach) {
                try { . $__pcTeardown }
                catch { if ($null -eq $__pcFailure) { $__pcFailure = $_ } }
            }
        }
    }
    if ($null -eq $__pcFailure) {
        Add-PcResult $__pcTest 'Passed' '' $__pcWatch.Elapsed.TotalMilliseconds
    }
    else {
        Add-PcResult $__pcTest 'Failed' (Format-PcError $__pcFailure) $__pcWatch.Elapsed.TotalMilliseconds
    }
}

function Invoke-PcBlock {
    param($__pcBlock, $__pcInheritedError)
    if ($__pcBlock.Kind -ne 'File' -and -not $__pcBlock.Skip) {
        [Console]::Out.WriteLine(('  ' * ((Get-PcBlockChain $__pcBlock).Count - 2)) + $__pcBlock.Name)
    }
    $__pcSetupError = $__pcInheritedError
    $__pcHasTests = @(Get-PcTests $__pcBlock | Where-Object { -not $_.Skip }).Count -gt 0
    if ($null -eq $__pcSetupError -and $__pcHasTests) {
        try {
            # Dot-sourced: BeforeAll's variables live in this block's scope, visible to every It below it.
            foreach ($__pcSetup in $__pcBlock.BeforeAll) { . $__pcSetup }
        }
        catch {
            $__pcSetupError = $_
        }
    }
    foreach ($__pcChild in $__pcBlock.Children) {
        if ($__pcChild.Kind -eq 'It') {
            Invoke-PcTest $__pcChild $__pcSetupError
        }
        else {
            Invoke-PcBlock $__pcChild $__pcSetupError
        }
    }
    if ($__pcHasTests) {
        foreach ($__pcTeardown in $__pcBlock.AfterAll) {
            try {
                . $__pcTeardown
            }
            catch {
                $name = if ($__pcBlock.Kind -eq 'File') { $script:PcState.File } else { Get-PcFullName $__pcBlock }
                $script:PcState.Results.Add([pscustomobject]@{ File = $script:PcState.File; Name = "$name.AfterAll"; Result = 'Failed'; Message = "AfterAll failed: $(Format-PcError $_)"; Milliseconds = 0 })
                [Console]::Out.WriteLine("[-] AfterAll of $name failed: $(Format-PcError $_)")
            }
        }
    }
}

function Invoke-PesterCompat {
    <#
    .SYNOPSIS
    Runs Pester 5 test files with the compatible subset; returns a summary with Passed, Failed, Skipped and Results.
    #>
    param(
        [Parameter(Mandatory, Position = 0)][string[]]$Path,
        [string]$ResultFile
    )
    $results = [System.Collections.Generic.List[object]]::new()
    foreach ($file in $Path) {
        $full = [System.IO.Path]::GetFullPath($file)
        [Console]::Out.WriteLine("Running tests from '$full'")
        $root = New-PcBlock -Name ([System.IO.Path]::GetFileName($full)) -Kind 'File' -Parent $null
        $script:PcState = [pscustomobject]@{ Discovery = $true; Current = $root; Results = $results; File = $full }
        $discoveryError = $null
        try {
            & { . $args[0] } $full
        }
        catch {
            $discoveryError = $_
        }
        $script:PcState.Discovery = $false
        if ($null -ne $discoveryError) {
            $results.Add([pscustomobject]@{ File = $full; Name = "$([System.IO.Path]::GetFileName($full)) (discovery)"; Result = 'Failed'; Message = "Discovery failed: $(Format-PcError $discoveryError)"; Milliseconds = 0 })
            [Console]::Out.WriteLine("[-] Discovery of $full failed: $(Format-PcError $discoveryError)")
            continue
        }
        Invoke-PcBlock $root $null
    }
    $script:PcState = $null

    $passed = @($results | Where-Object Result -EQ 'Passed').Count
    $failed = @($results | Where-Object Result -EQ 'Failed').Count
    $skipped = @($results | Where-Object Result -EQ 'Skipped').Count
    [Console]::Out.WriteLine("Tests Passed: $passed, Failed: $failed, Skipped: $skipped")
    if ($ResultFile) {
        $lines = foreach ($r in $results) {
            ($r.Result, $r.Name, $r.Message, $r.File | ForEach-Object { "$_".Replace('\', '\\').Replace("`t", '\t').Replace("`r", '').Replace("`n", '\n') }) -join "`t"
        }
        [System.IO.File]::WriteAllLines($ResultFile, [string[]]@($lines))
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Skipped = $skipped; Results = $results.ToArray() }
}
