using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PSIpc.Native;
using Xunit;

namespace PSIpc.Tests;

/// <summary>
/// The constants and struct offsets written by hand for the module's own P/Invoke, compared with the system headers:
/// a C program compiled with gcc prints them.
/// </summary>
public sealed class NativeLayoutTests
{
    private const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <sys/msg.h>
        #include <mqueue.h>
        int main(void) {
            printf("IPC_PRIVATE %d\nIPC_CREAT %d\nIPC_EXCL %d\nIPC_NOWAIT %d\nIPC_RMID %d\nIPC_SET %d\nIPC_STAT %d\nMSG_NOERROR %d\n",
                (int)IPC_PRIVATE, IPC_CREAT, IPC_EXCL, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, MSG_NOERROR);
            printf("MsqidDsSize %zu\nOffsetUid %zu\nOffsetMode %zu\nOffsetStime %zu\nOffsetRtime %zu\nOffsetCbytes %zu\nOffsetQnum %zu\nOffsetQbytes %zu\nOffsetLspid %zu\nOffsetLrpid %zu\n",
                sizeof(struct msqid_ds), offsetof(struct msqid_ds, msg_perm.uid), offsetof(struct msqid_ds, msg_perm.mode),
                offsetof(struct msqid_ds, msg_stime), offsetof(struct msqid_ds, msg_rtime), offsetof(struct msqid_ds, __msg_cbytes),
                offsetof(struct msqid_ds, msg_qnum), offsetof(struct msqid_ds, msg_qbytes), offsetof(struct msqid_ds, msg_lspid),
                offsetof(struct msqid_ds, msg_lrpid));
            printf("MqAttr %zu\nMqAttrMaxMsg %zu\nMqAttrMsgSize %zu\nMqAttrCurMsgs %zu\nMsgbufHeader %zu\n",
                sizeof(struct mq_attr), offsetof(struct mq_attr, mq_maxmsg), offsetof(struct mq_attr, mq_msgsize),
                offsetof(struct mq_attr, mq_curmsgs), sizeof(long));
            return 0;
        }
        """;

    [Fact]
    public unsafe void HandWrittenConstantsAndOffsetsMatchTheHeaders()
    {
        var values = CompileAndRun().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(SysVMessageQueues.IPC_PRIVATE, values["IPC_PRIVATE"]);
        Assert.Equal(SysVMessageQueues.IPC_CREAT, values["IPC_CREAT"]);
        Assert.Equal(SysVMessageQueues.IPC_EXCL, values["IPC_EXCL"]);
        Assert.Equal(SysVMessageQueues.IPC_NOWAIT, values["IPC_NOWAIT"]);
        Assert.Equal(SysVMessageQueues.IPC_RMID, values["IPC_RMID"]);
        Assert.Equal(SysVMessageQueues.IPC_SET, values["IPC_SET"]);
        Assert.Equal(SysVMessageQueues.IPC_STAT, values["IPC_STAT"]);
        Assert.Equal(SysVMessageQueues.MSG_NOERROR, values["MSG_NOERROR"]);
        Assert.Equal(SysVMessageQueues.MsqidDsSize, values["MsqidDsSize"]);
        Assert.Equal(SysVMessageQueues.OffsetUid, values["OffsetUid"]);
        Assert.Equal(SysVMessageQueues.OffsetMode, values["OffsetMode"]);
        Assert.Equal(SysVMessageQueues.OffsetStime, values["OffsetStime"]);
        Assert.Equal(SysVMessageQueues.OffsetRtime, values["OffsetRtime"]);
        Assert.Equal(SysVMessageQueues.OffsetCbytes, values["OffsetCbytes"]);
        Assert.Equal(SysVMessageQueues.OffsetQnum, values["OffsetQnum"]);
        Assert.Equal(SysVMessageQueues.OffsetQbytes, values["OffsetQbytes"]);
        Assert.Equal(SysVMessageQueues.OffsetLspid, values["OffsetLspid"]);
        Assert.Equal(SysVMessageQueues.OffsetLrpid, values["OffsetLrpid"]);
        Assert.Equal(sizeof(MqAttr), values["MqAttr"]);
        Assert.Equal(IntPtr.Size, values["MqAttrMaxMsg"]);
        Assert.Equal(2 * IntPtr.Size, values["MqAttrMsgSize"]);
        Assert.Equal(3 * IntPtr.Size, values["MqAttrCurMsgs"]);
        Assert.Equal(IntPtr.Size, values["MsgbufHeader"]);
    }

    private static string CompileAndRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"psipc-layout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "layout.c");
            string exe = Path.Combine(dir, "layout");
            File.WriteAllText(source, Program);
            Run("gcc", "-o", exe, source, "-lrt");
            return Run(exe);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {error}");
        return output;
    }
}
