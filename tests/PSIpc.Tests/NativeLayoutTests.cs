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
        #include <sys/shm.h>
        #include <sys/file.h>
        #include <sys/sem.h>
        #include <limits.h>
        int main(void) {
            printf("IPC_PRIVATE %d\nIPC_CREAT %d\nIPC_EXCL %d\nIPC_NOWAIT %d\nIPC_RMID %d\nIPC_SET %d\nIPC_STAT %d\nMSG_NOERROR %d\n",
                (int)IPC_PRIVATE, IPC_CREAT, IPC_EXCL, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, MSG_NOERROR);
            printf("MsqidDsSize %zu\nOffsetUid %zu\nOffsetMode %zu\nOffsetStime %zu\nOffsetRtime %zu\nOffsetCbytes %zu\nOffsetQnum %zu\nOffsetQbytes %zu\nOffsetLspid %zu\nOffsetLrpid %zu\n",
                sizeof(struct msqid_ds), offsetof(struct msqid_ds, msg_perm.uid), offsetof(struct msqid_ds, msg_perm.mode),
                offsetof(struct msqid_ds, msg_stime), offsetof(struct msqid_ds, msg_rtime), offsetof(struct msqid_ds, __msg_cbytes),
                offsetof(struct msqid_ds, msg_qnum), offsetof(struct msqid_ds, msg_qbytes), offsetof(struct msqid_ds, msg_lspid),
                offsetof(struct msqid_ds, msg_lrpid));
            printf("ShmidDsSize %zu\nShmUid %zu\nShmMode %zu\nShmSegsz %zu\nShmCpid %zu\nShmLpid %zu\nShmNattch %zu\nSHM_RDONLY %d\nLOCK_SH %d\nLOCK_EX %d\nLOCK_NB %d\nLOCK_UN %d\n",
                sizeof(struct shmid_ds), offsetof(struct shmid_ds, shm_perm.uid), offsetof(struct shmid_ds, shm_perm.mode),
                offsetof(struct shmid_ds, shm_segsz), offsetof(struct shmid_ds, shm_cpid), offsetof(struct shmid_ds, shm_lpid),
                offsetof(struct shmid_ds, shm_nattch), SHM_RDONLY, LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN);
            printf("MqAttr %zu\nMqAttrMaxMsg %zu\nMqAttrMsgSize %zu\nMqAttrCurMsgs %zu\nMsgbufHeader %zu\n",
                sizeof(struct mq_attr), offsetof(struct mq_attr, mq_maxmsg), offsetof(struct mq_attr, mq_msgsize),
                offsetof(struct mq_attr, mq_curmsgs), sizeof(long));
            printf("GETNCNT %d\nGETZCNT %d\nPIPE_BUF %d\n", GETNCNT, GETZCNT, PIPE_BUF);
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
        Assert.Equal(SharedMemoryNative.GETNCNT, values["GETNCNT"]);
        Assert.Equal(SharedMemoryNative.GETZCNT, values["GETZCNT"]);
        Assert.Equal(Fd.PipeBuf, values["PIPE_BUF"]);
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
        Assert.Equal(SharedMemoryNative.ShmidDsSize, values["ShmidDsSize"]);
        Assert.Equal(SharedMemoryNative.OffsetUid, values["ShmUid"]);
        Assert.Equal(SharedMemoryNative.OffsetMode, values["ShmMode"]);
        Assert.Equal(SharedMemoryNative.OffsetSegsz, values["ShmSegsz"]);
        Assert.Equal(SharedMemoryNative.OffsetCpid, values["ShmCpid"]);
        Assert.Equal(SharedMemoryNative.OffsetLpid, values["ShmLpid"]);
        Assert.Equal(SharedMemoryNative.OffsetNattch, values["ShmNattch"]);
        Assert.Equal(SharedMemoryNative.SHM_RDONLY, values["SHM_RDONLY"]);
        Assert.Equal(FileLocks.LOCK_SH, values["LOCK_SH"]);
        Assert.Equal(FileLocks.LOCK_EX, values["LOCK_EX"]);
        Assert.Equal(FileLocks.LOCK_NB, values["LOCK_NB"]);
        Assert.Equal(FileLocks.LOCK_UN, values["LOCK_UN"]);
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
