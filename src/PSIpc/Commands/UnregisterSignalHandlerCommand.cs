using System;
using System.Linq;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Removes signal handlers; the signal's previous behaviour (usually its default action) returns.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "SignalHandler", DefaultParameterSetName = "Handler")]
[OutputType(typeof(void))]
public sealed class UnregisterSignalHandlerCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Handler")]
    public SignalHandler[] Handler { get; set; } = Array.Empty<SignalHandler>();

    [Parameter(Mandatory = true, ParameterSetName = "SourceIdentifier")]
    public string[] SourceIdentifier { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "Signal")]
    [SignalTransformation]
    [ArgumentCompleter(typeof(SignalCompleter))]
    public SignalInfo[] Signal { get; set; } = Array.Empty<SignalInfo>();

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Handler":
                foreach (SignalHandler h in Handler)
                {
                    h.Dispose();
                }

                break;
            case "SourceIdentifier":
                foreach (string id in SourceIdentifier)
                {
                    SignalHandler? h = SignalHandler.All.FirstOrDefault(
                        x => string.Equals(x.SourceIdentifier, id, StringComparison.OrdinalIgnoreCase));
                    if (h is null)
                    {
                        WriteError(ErrorHelper.Create(
                            "HandlerNotFound", ErrorCategory.ObjectNotFound, id,
                            $"No signal handler has SourceIdentifier '{id}' (Get-SignalHandler lists them)."));
                    }
                    else
                    {
                        h.Dispose();
                    }
                }

                break;
            default:
                var names = Signal.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
                foreach (SignalHandler h in SignalHandler.All.Where(h => h.Signal.Any(names.Contains)))
                {
                    h.Dispose();
                }

                SignalWaiter.Release(Signal.Select(s => s.Number));
                break;
        }
    }
}
