using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Receives messages from a channel and emits their bodies.</summary>
[Cmdlet(VerbsCommunications.Receive, "IpcMessage", DefaultParameterSetName = "Count")]
[OutputType(typeof(object))]
[OutputType(typeof(IpcMessage))]
public sealed class ReceiveIpcMessageCommand : IpcCmdlet
{
    /// <summary>The channel to receive from.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public IpcChannel Channel { get; set; } = null!;

    /// <summary>How many messages to receive (1 unless given); fewer when the stream ends first.</summary>
    [Parameter(ParameterSetName = "Count")]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Receives until the peer closes the channel or Ctrl+C.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Continuous")]
    public SwitchParameter Continuous { get; set; }

    /// <summary>How long to wait for each message: seconds or a TimeSpan; no limit unless given.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Emits IpcMessage envelopes (Body, Length, Encoding, Timestamp, Channel) instead of bodies.</summary>
    [Parameter]
    public SwitchParameter AsEnvelope { get; set; }

    /// <summary>System V queues: which message to take, as msgrcv: 0 the first, n &gt; 0 the first of type n, n
    /// &lt; 0 the first of the lowest type up to |n|.</summary>
    [Parameter]
    public long Type { get; set; }

    /// <summary>Mailboxes: takes only the messages this process sent (the same process, not a later one with its
    /// pid); others' stay, in the order they came, for later receives.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? FromProcessId { get; set; }

    /// <summary>Return at once when no complete message is waiting, instead of waiting (the command ends quietly).</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>How Line and Raw data are decoded (Text unless given; Bytes gives byte[]; Json parses each
    /// line). On Message framing, Bytes or Text return the payload undecoded.</summary>
    [Parameter]
    public IpcEncoding? Encoding { get; set; }

    protected override void ProcessRecord()
    {
        bool typed = MyInvocation.BoundParameters.ContainsKey(nameof(Type));
        RequireCapability(Channel, typed, IpcChannelCapabilities.MessageTypes, "-Type");
        RequireCapability(Channel, FromProcessId is not null, IpcChannelCapabilities.SenderSelection, "-FromProcessId");
        var options = new ReceiveOptions(typed ? Type : null, NoWait, FromProcessId);
        long wanted = Continuous ? long.MaxValue : Count;
        for (long i = 0; i < wanted; i++)
        {
            IpcMessage? message = null;
            try
            {
                message = Channel.Receive(Timeout, Encoding, options, CancelToken);
                WriteChannelWarnings(Channel);
            }
            catch (IpcClientException e)
            {
                WriteChannelWarnings(Channel);
                // One client of a server failed: report it, and go on with the others.
                WriteIpcError(e.InnerException ?? e, e.Client, e.Message);
                i--;
                continue;
            }
            catch (IpcPayloadException e)
            {
                WriteChannelWarnings(Channel);
                // One message could not be decoded: report it and go on with the next (it counts as received).
                WriteIpcError(e, Channel, $"Cannot decode a message from {Channel}");
                continue;
            }
            catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
            {
                WriteChannelWarnings(Channel);
                ThrowIpcError(e, Channel, $"Cannot receive from {Channel}");
            }

            if (message is null)
            {
                WriteVerbose(
                    NoWait ? $"{Channel}: nothing more waiting after {i} message(s)." : $"{Channel}: end of stream after {i} message(s).");
                return;
            }

            WriteObject(AsEnvelope ? message : message.Body);
        }
    }
}
