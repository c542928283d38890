using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Removes message queues from the system.</para>
/// <para type="description">Removes System V queues (IPC_RMID: messages still queued are lost, and receivers waiting on the queue get an error) and POSIX queues (mq_unlink: the name goes at once, the queue when the last process closes it).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IpcMessageQueue", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Queue")]
[OutputType(typeof(void))]
public sealed class RemoveIpcMessageQueueCommand : IpcCmdlet
{
    /// <summary>The queues to remove, from New- or Connect-IpcMessageQueue.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Queue")]
    public IpcMessageQueue[] Queue { get; set; } = Array.Empty<IpcMessageQueue>();

    /// <summary>The POSIX queue names to remove.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MessageQueueNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Name")
        {
            foreach (string name in Name)
            {
                if (ShouldProcess(name, "Remove POSIX message queue"))
                {
                    RemoveOne(() => PosixMessageQueue.Unlink(name), name, "message queue");
                }
            }

            return;
        }

        foreach (IpcMessageQueue queue in Queue)
        {
            string target = queue is SysVMessageQueue sysv ? $"System V queue {sysv.Id} (key {sysv.KeyHex})" : $"POSIX queue {queue.Name}";
            if (ShouldProcess(target, "Remove message queue"))
            {
                RemoveOne(queue.Remove, queue, "message queue");
            }
        }
    }
}
