using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates a System V or POSIX message queue.</summary>
[Cmdlet(VerbsCommon.New, "IpcMessageQueue", SupportsShouldProcess = true, DefaultParameterSetName = "Private")]
[OutputType(typeof(SysVMessageQueue), typeof(PosixMessageQueue))]
public sealed class NewIpcMessageQueueCommand : IpcCmdlet
{
    /// <summary>The System V key: a number, or hexadecimal as ipcs prints it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Key")]
    [IpcKeyTransformation]
    public int Key { get; set; }

    /// <summary>Makes a System V queue with no key (IPC_PRIVATE): share it by its Id.</summary>
    [Parameter(ParameterSetName = "Private")]
    public SwitchParameter Private { get; set; }

    /// <summary>The POSIX queue name: '/' and 1 to 255 characters with no other '/'.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Permissions: 0600 unless given, as octal (0640) or letters (rw-r-----).</summary>
    [Parameter]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    /// <summary>Opens the queue when it exists already, instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>System V: the most bytes of messages the queue holds (msg_qbytes; msgmnb unless given).</summary>
    [Parameter(ParameterSetName = "Key")]
    [Parameter(ParameterSetName = "Private")]
    [ValidateRange(1, int.MaxValue)]
    public long? MaxBytes { get; set; }

    /// <summary>POSIX: the most messages the queue holds (/proc/sys/fs/mqueue/msg_default unless given).</summary>
    [Parameter(ParameterSetName = "Name")]
    [ValidateRange(1, int.MaxValue)]
    public long? MaxMessages { get; set; }

    /// <summary>POSIX: the largest message in bytes (/proc/sys/fs/mqueue/msgsize_default unless given).</summary>
    [Parameter(ParameterSetName = "Name")]
    [ValidateRange(1, int.MaxValue)]
    public long? MaxMessageSize { get; set; }

    /// <summary>Removes the queue when this session ends (the runspace closes or the module is removed), as a
    /// safety net for scripts that stop early.</summary>
    [Parameter]
    public SwitchParameter RemoveOnExit { get; set; }

    protected override void EndProcessing()
    {
        string target = ParameterSetName switch
        {
            "Key" => "System V queue with key 0x" + Key.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            "Name" => "POSIX queue " + Name,
            _ => "private System V queue",
        };
        if (!ShouldProcess(target, $"Create with mode {Mode}"))
        {
            return;
        }

        try
        {
            IpcMessageQueue queue = ParameterSetName == "Name"
                ? PosixMessageQueue.Create(Name, Mode.Value, Force, MaxMessages, MaxMessageSize)
                : SysVMessageQueue.Create(ParameterSetName == "Key" ? Key : null, Mode.Value, Force, MaxBytes);
            if (RemoveOnExit)
            {
                ExitRemoval.Schedule(queue is PosixMessageQueue ? queue.Path : null, queue.Remove);
            }

            WriteObject(queue);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(
                e,
                ParameterSetName == "Name" ? Name : target,
                $"Cannot create the {target}",
                e is ArgumentException ae ? (ae.ParamName == "key" ? "InvalidKey" : "InvalidQueueName") : null);
        }
    }
}
