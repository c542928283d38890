using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Sends messages on a channel, one message per pipeline object.</summary>
[Cmdlet(VerbsCommunications.Send, "IpcMessage", DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcMessage))]
public sealed class SendIpcMessageCommand : IpcCmdlet
{
    /// <summary>The channel to send on.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Default")]
    public IpcChannel Channel { get; set; } = null!;

    /// <summary>Sends to this process's mailbox (it called Open-IpcMailbox), instead of on a channel.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Process")]
    [ValidateRange(1, int.MaxValue)]
    public int ProcessId { get; set; }

    /// <summary>The message body; each pipeline object is one message.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    /// <summary>CliXml, Json, Text or Bytes. Defaults to CliXml on Message framing and Text on Line and Raw
    /// framing (Bytes for byte[] on Raw).</summary>
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

    /// <summary>
    /// Returns only once the receiving PSIpc process has taken the message with Receive-IpcMessage (a rendezvous);
    /// fails with OperationTimeout after -Timeout. Mailboxes, and stream sockets and pipes between PSIpc peers.
    /// </summary>
    [Parameter]
    public SwitchParameter WaitForReceipt { get; set; }

    /// <summary>Emits the envelope of each message sent (with -WaitForReceipt, ReceiptTime says when it was taken).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Pipes, FIFOs and sockets: collects up to this many pipeline objects and writes their messages with one system
    /// call (each keeps its own frame, so receivers see no difference). Messages wait until the batch is full or the
    /// pipeline ends, so use it for streams of many messages, not for request and reply. 1 (each message at once) unless given.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int BatchSize { get; set; } = 1;

    private readonly List<(byte[] Payload, IpcEncoding Encoding)> _batch = new();
    private readonly List<object?> _batchBodies = new();
    private int _batchBytes;

    private SendOptions _options;

    protected override void BeginProcessing()
    {
        if (ParameterSetName == "Process")
        {
            try
            {
                Channel = IpcChannel.ToProcess(ProcessId);
            }
            catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
            {
                ThrowIpcError(e, ProcessId, $"Cannot send to process {ProcessId}");
            }
        }

        RequireCapability(Channel, WaitForReceipt, IpcChannelCapabilities.Receipts, "-WaitForReceipt");
        if (WaitForReceipt && (BatchSize > 1 || NoWait))
        {
            ThrowTerminatingError(ErrorHelper.Create("OptionConflict", ErrorCategory.InvalidArgument, Channel,
                "-WaitForReceipt waits for each message to be taken, so it goes with neither -BatchSize nor -NoWait. Leave one out."));
        }

        bool typed = MyInvocation.BoundParameters.ContainsKey(nameof(Type));
        RequireCapability(Channel, typed, IpcChannelCapabilities.MessageTypes, "-Type");
        RequireCapability(Channel, Priority is not null, IpcChannelCapabilities.Priorities, "-Priority");
        RequireCapability(Channel, NoWait, IpcChannelCapabilities.NoWaitSend, "-NoWait");
        RequireCapability(Channel, BatchSize > 1, IpcChannelCapabilities.Batching, "-BatchSize", "BatchSizeNotSupported");
        _options = new SendOptions(typed ? Type : null, Priority, NoWait, WaitForReceipt);
    }

    protected override void ProcessRecord()
    {
        if (BatchSize > 1)
        {
            AddToBatch();
            return;
        }

        IpcMessage? sent = null;
        try
        {
            if (PassThru)
            {
                sent = Channel.Send(InputObject, Encoding, Depth, _options, Timeout, CancelToken);
            }
            else
            {
                // No envelope is made when none is emitted.
                (byte[] payload, IpcEncoding encoding) = Channel.EncodeForSend(InputObject, Encoding, Depth);
                Channel.SendPayload(payload, encoding, _options, Timeout, CancelToken);
            }
        }
        catch (ArgumentException e)
        {
            // The message itself is wrong (type, size): report it and go on with the next one.
            WriteIpcError(e, InputObject, $"Cannot send the message on {Channel}", "InvalidMessage");
            return;
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            // The channel cannot go on (reader gone, timed out, closed): end the command.
            ThrowIpcError(e, Channel, $"Cannot send on {Channel}");
            return;
        }

        if (sent is not null)
        {
            WriteObject(sent);
        }
    }

    protected override void EndProcessing() => FlushBatch();

    private void AddToBatch()
    {
        try
        {
            (byte[] payload, IpcEncoding encoding) = Channel.EncodeForSend(InputObject, Encoding, Depth);
            _batch.Add((payload, encoding));
            _batchBodies.Add(PassThru ? InputObject : null);
            _batchBytes += payload.Length;
        }
        catch (ArgumentException e)
        {
            WriteIpcError(e, InputObject, $"Cannot send the message on {Channel}", "InvalidMessage");
            return;
        }

        // A batch is also written when it reaches 1 MiB, so large bodies are not held back in memory.
        if (_batch.Count >= BatchSize || _batchBytes >= 1 << 20)
        {
            FlushBatch();
        }
    }

    private void FlushBatch()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        try
        {
            Channel.SendBatch(_batch, Timeout, CancelToken);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, Channel, $"Cannot send on {Channel}");
            return;
        }

        if (PassThru)
        {
            for (int i = 0; i < _batch.Count; i++)
            {
                WriteObject(new IpcMessage(_batchBodies[i], _batch[i].Payload.Length, _batch[i].Encoding, Channel));
            }
        }

        _batch.Clear();
        _batchBodies.Clear();
        _batchBytes = 0;
    }
}
