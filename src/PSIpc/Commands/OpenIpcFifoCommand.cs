using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Opens one end of a FIFO as a channel.</summary>
[Cmdlet(VerbsCommon.Open, "IpcFifo", DefaultParameterSetName = "Path")]
[OutputType(typeof(IpcFifoChannel))]
public sealed class OpenIpcFifoCommand : IpcCmdlet
{
    /// <summary>The FIFO to open.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The FIFO to open, taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    /// <summary>Read or Write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateSet("Read", "Write")]
    public IpcDirection Direction { get; set; }

    /// <summary>How messages are delimited: Message (default; PSIpc peers), Line (text lines: cat, echo, C) or Raw.</summary>
    [Parameter]
    public IpcFraming Framing { get; set; } = IpcFraming.Message;

    /// <summary>How long opening for Write waits for a reader: seconds or a TimeSpan; -1 waits until Ctrl+C.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == "LiteralPath";
        foreach (string path in PathHelper.ResolveExisting(this, literal ? LiteralPath : Path, literal))
        {
            try
            {
                WriteObject(IpcFifoChannel.Open(path, Direction, Framing, Timeout, CancelToken));
            }
            catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
            {
                WriteIpcError(e, path, $"Cannot open the FIFO '{path}' for {Direction}", e is ArgumentException ? "NotAFifo" : null);
            }
        }
    }
}
