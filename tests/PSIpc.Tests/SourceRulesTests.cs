using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PSIpc.Tests;

/// <summary>
/// The rules docs/architecture.md states for the source, checked so that they stay true: libc is called only under
/// src/PSIpc/Native/, EINTR is retried only by Native/Syscall.cs, the commands and views never test for a concrete
/// channel type, and no file or line grows past the size a reader can take in.
/// </summary>
public sealed class SourceRulesTests
{
    private static readonly string Src = Repo.Path("src");

    private static IEnumerable<string> Sources(string folder) => Directory
        .EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static string Relative(string file) => Path.GetRelativePath(Repo.Root, file);

    [Fact]
    public void CallsLibcOnlyUnderNative()
    {
        string native = Path.Combine(Src, "PSIpc", "Native") + Path.DirectorySeparatorChar;
        var offenders = Sources(Src)
            .Where(f => !f.StartsWith(native, System.StringComparison.Ordinal))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"\bLibC\.|\[(LibraryImport|DllImport)\(|using Tmds\.Linux;"))
            .Select(Relative)
            .ToList();
        Assert.True(offenders.Count == 0, "libc is called outside src/PSIpc/Native/ in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void RetriesEintrOnlyInSyscall()
    {
        var offenders = Sources(Src)
            .Where(f => Path.GetFileName(f) is not ("Syscall.cs" or "Errno.cs"))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"[=!]=\s*(LibC|Errno)\.EINTR|(LibC|Errno)\.EINTR\s*[=!]="))
            .Select(Relative)
            .ToList();
        Assert.True(offenders.Count == 0, "an EINTR loop outside Native/Syscall.cs in: " + string.Join(", ", offenders));
    }

    [Theory]
    [InlineData("src/PSIpc/Commands/SendIpcMessageCommand.cs")]
    [InlineData("src/PSIpc/Commands/ReceiveIpcMessageCommand.cs")]
    [InlineData("src/PSIpc/Commands/CloseIpcChannelCommand.cs")]
    [InlineData("src/PSIpc/Commands/GetIpcObjectCommand.cs")]
    [InlineData("src/PSIpc/Channels/IpcMessage.cs")]
    [InlineData("PSIpc.Format.ps1xml")]
    public void NamesNoConcreteChannelType(string file)
    {
        string[] concrete =
        {
            "IpcPipe", "IpcFifoChannel", "SysVMessageQueue", "PosixMessageQueue", "IpcRing", "IpcSocket", "IpcSocketServer",
            "IpcUdpSocket", "IpcUdpPeer", "StreamChannel", "IpcMailbox", "MailboxLink", "MailboxSender",
        };
        string text = File.ReadAllText(Repo.Path(file.Split('/')));
        // A cmdlet name such as Open-IpcMailbox is not the type it returns.
        var named = concrete.Where(t => Regex.IsMatch(text, $@"(?<![-\w]){t}\b")).ToList();
        Assert.True(named.Count == 0, $"{file} names {string.Join(", ", named)}: ask the channel's Capabilities instead.");
    }

    [Fact]
    public void KeepsFilesAndLinesShort()
    {
        var problems = new List<string>();
        foreach (string file in Sources(Src))
        {
            string[] lines = File.ReadAllLines(file);
            if (lines.Length > 400)
            {
                problems.Add($"{Relative(file)} has {lines.Length} lines (at most 400)");
            }

            problems.AddRange(lines
                .Select((line, i) => (line, i))
                .Where(l => l.line.Length > 140)
                .Select(l => $"{Relative(file)}:{l.i + 1} is {l.line.Length} characters (at most 140)"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
