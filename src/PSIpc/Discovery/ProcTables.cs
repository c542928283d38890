using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Reading the kernel's tables of IPC objects (/proc/sysvipc/*) and the files that stand for POSIX objects.</summary>
internal static class ProcTables
{
    /// <summary>The rows of a /proc/sysvipc table after its header, split into fields; none when it cannot be read.</summary>
    public static IEnumerable<string[]> Rows(string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (IOException)
        {
            yield break;
        }

        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10)
            {
                yield return fields;
            }
        }
    }

    /// <summary>The files of a folder such as /dev/shm whose names start with <paramref name="prefix"/>, with what lstat says.</summary>
    public static IEnumerable<(string Path, string File, FileStatus Status)> Files(string folder, string prefix = "")
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (string path in Directory.GetFiles(folder))
        {
            string file = Path.GetFileName(path);
            if (file.StartsWith(prefix, StringComparison.Ordinal) && Fd.TryLStat(path, out FileStatus st))
            {
                yield return (path, file, st);
            }
        }
    }

    public static int Int(string s) => unchecked((int)long.Parse(s, CultureInfo.InvariantCulture));

    public static uint UInt(string s) => uint.Parse(s, CultureInfo.InvariantCulture);

    public static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The permission bits of an octal perms field, as 0600.</summary>
    public static string Perms(string s) => FileModes.ToOctal(Convert.ToUInt32(s, 8) & 0x1FF);

    /// <summary>A time_t field; null for 0 (never).</summary>
    public static DateTimeOffset? Time(string s) =>
        long.TryParse(s, out long t) && t > 0 ? DateTimeOffset.FromUnixTimeSeconds(t).ToLocalTime() : null;

    public static DateTimeOffset Changed(string path) => new(File.GetLastWriteTimeUtc(path));
}
