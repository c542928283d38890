using System;
using System.Globalization;
using System.Management.Automation.Host;

namespace PSIpc.Host;

/// <summary>The PSHost: records the exit code that 'exit N' asks for.</summary>
internal sealed class ScriptHost : PSHost
{
    private readonly ConsoleUI _ui;

    public ScriptHost(bool nonInteractive)
    {
        _ui = new ConsoleUI(nonInteractive);
    }

    public int? ExitCode { get; private set; }

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "PSIpc.Host";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => typeof(ScriptHost).Assembly.GetName().Version ?? new Version(0, 1);

    public override void EnterNestedPrompt() => throw new NotSupportedException("PSIpc.Host has no nested prompts.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("PSIpc.Host has no nested prompts.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
        ExitCode = exitCode;
    }
}
