using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Sends messages on a channel, one message per pipeline object.</para>
/// <para type="description">CliXml (the default on Message framing) round-trips objects between PSIpc peers; Json suits other languages; Text (UTF-8) suits shells and C; Bytes sends byte[] as is.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Send, "IpcMessage", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcMessage))]
public sealed class SendIpcMessageCommand : IpcCmdlet
{
    /// <summary>The channel to send on.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public IpcChannel Channel { get; set; } = null!;

    /// <summary>The message body; each pipeline object is one message.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    /// <summary>CliXml, Json, Text or Bytes. Defaults to CliXml on Message framing and Text on Line and Raw framing (Bytes for byte[] on Raw).</summary>
    [Parameter]
    public IpcEncoding? Encoding { get; set; }

    /// <summary>How deep CliXml and Json serialize nested objects (2 unless given, as Export-Clixml).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Depth { get; set; } = 2;

    /// <summary>How long a send may wait for the reader to make room: seconds or a TimeSpan; no limit unless given.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    /// <summary>System V queues: the message type, 1 or more (1 unless given).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Type { get; set; }

    /// <summary>POSIX queues: the priority, 0 to 32767 (0 unless given); higher priorities are received first.</summary>
    [Parameter]
    [ValidateRange(0, 32767)]
    public int? Priority { get; set; }

    /// <summary>Queues: fail at once (ResourceBusy) when the queue is full, instead of waiting.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Emits the envelope of each message sent.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        QueueOptionCheck.Check(this, Channel, MyInvocation.BoundParameters.ContainsKey(nameof(Type)), Priority is not null, NoWait);
    }

    protected override void ProcessRecord()
    {
        IpcMessage sent;
        try
        {
            sent = Channel.Send(InputObject, Encoding, Depth, new MessageOptions(Type, Priority, NoWait), Timeout, CancelToken);
        }
        catch (ArgumentException e)
        {
            // The message itself is wrong (type, size): report it and go on with the next one.
            WriteIpcError(e, InputObject, $"Cannot send the message on {Channel}", "InvalidMessage");
            return;
        }
        catch (Exception e) when (e is NativeException or IpcTimeoutException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The channel cannot go on (reader gone, timed out, closed): end the command.
            ThrowIpcError(e, Channel, $"Cannot send on {Channel}");
            return;
        }

        if (PassThru)
        {
            WriteObject(sent);
        }
    }
}
