using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// Returns this process's mailbox, opening it on the first call: other processes send to it by this process's id
/// (Send-IpcMessage -ProcessId), and Receive-IpcMessage takes from it, from anyone or from one process (-FromProcessId).
/// </summary>
[Cmdlet(VerbsCommon.Open, "IpcMailbox")]
[OutputType(typeof(IpcMailbox))]
public sealed class OpenIpcMailboxCommand : IpcCmdlet
{
    /// <summary>Other users (names or ids) that may send to this mailbox; only this user unless given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? AllowUser { get; set; }

    /// <summary>
    /// How many messages each sending PSIpc process may have waiting here: 0 makes every send a rendezvous (it returns
    /// when Receive-IpcMessage has taken the message); n lets a sender run n messages ahead. Without it the kernel's
    /// queue (net.unix.max_dgram_qlen, 10 by default) bounds the mailbox.
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Capacity { get; set; }

    protected override void EndProcessing()
    {
        int most = IpcMailbox.KernelQueueLength;
        if (Capacity > most)
        {
            ThrowTerminatingError(ErrorHelper.Create("InvalidCapacity", ErrorCategory.InvalidArgument, Capacity,
                $"-Capacity {Capacity} is more than the kernel queues per socket ({most}, net.unix.max_dgram_qlen), "
                + $"so the receipts that bound it could be lost. Give 0 to {most}, or raise net.unix.max_dgram_qlen."));
        }

        try
        {
            WriteObject(IpcMailbox.Open(AllowUser is null ? null : ResolveUsers(AllowUser), Capacity));
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, MailboxDirectory.PathFor(Native.Fd.GetEffectiveUid()), "Cannot open this process's mailbox");
        }
    }
}
