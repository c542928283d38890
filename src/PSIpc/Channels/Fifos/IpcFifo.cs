using System;
using System.Globalization;
using PSIpc.Native;

namespace PSIpc;

/// <summary>A named pipe (FIFO) in the file system, as New-IpcFifo returns it.</summary>
public sealed class IpcFifo
{
    private IpcFifo(string path, FileStatus status)
    {
        Path = path;
        Mode = FileModes.ToOctal(status.Permissions);
        Permissions = "p" + FileModes.ToSymbolic(status.Permissions);
        OwnerId = status.Uid;
        Owner = UserNames.Lookup(status.Uid);
    }

    /// <summary>The FIFO's full path.</summary>
    public string Path { get; }

    /// <summary>The permission bits in octal, such as 0600.</summary>
    public string Mode { get; }

    /// <summary>The permissions as ls -l shows them, such as prw-------.</summary>
    public string Permissions { get; }

    /// <summary>The owner's user name (or id when it has no name).</summary>
    public string Owner { get; }

    public uint OwnerId { get; }

    /// <summary>
    /// Creates a FIFO with exactly <paramref name="mode"/> (the umask does not apply). The mode is set on the FIFO
    /// itself, through a descriptor opened without following links and checked to be the caller's FIFO, so a process
    /// that swaps the new path for a symbolic link cannot make PSIpc change another file.
    /// </summary>
    public static IpcFifo Create(string path, uint mode = 0x180)
    {
        Fd.MkFifo(path, mode);
        SafeFd fd;
        try
        {
            // Opening a FIFO for reading without O_NONBLOCK would wait for a writer.
            fd = Fd.Open(path, Fd.O_RDONLY | Fd.O_NONBLOCK | Fd.O_NOFOLLOW);
        }
        catch (NativeException e) when (e.Errno == Errno.ELOOP)
        {
            throw new IpcPathReplacedException(path, "a symbolic link");
        }
        catch
        {
            Fd.TryUnlink(path);
            throw;
        }

        using (fd)
        {
            FileStatus status = Fd.FStat(fd);
            if (!status.IsFifo || status.Uid != Fd.GetEffectiveUid())
            {
                throw new IpcPathReplacedException(path, $"a {FileModes.TypeName(status.Mode)} of user {status.Uid}");
            }

            try
            {
                Fd.FChmod(fd, mode);
                CreatedFiles.Add(path);
                return new IpcFifo(path, Fd.FStat(fd));
            }
            catch
            {
                Fd.TryUnlink(path);
                throw;
            }
        }
    }

    /// <summary>Describes an existing FIFO; throws when the path is something else.</summary>
    public static IpcFifo Get(string path)
    {
        FileStatus status = Fd.LStat(path);
        return status.IsFifo ? new IpcFifo(path, status) : throw NotAFifo(path, status);
    }

    public override string ToString() => Path;

    internal static ArgumentException NotAFifo(string path, FileStatus status) =>
        new($"'{path}' is a {FileModes.TypeName(status.Mode)}, not a FIFO.", nameof(path));
}

/// <summary>Permission bits to and from the forms people write them in.</summary>
internal static class FileModes
{
    public static string ToOctal(uint permissions) => "0" + Convert.ToString(permissions & 0xFFF, 8).PadLeft(3, '0');

    public static string ToSymbolic(uint p)
    {
        Span<char> s = stackalloc char[9];
        const string letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
        {
            s[i] = (p & (1u << (8 - i))) != 0 ? letters[i] : '-';
        }

        if ((p & 0x800) != 0)
        {
            s[2] = s[2] == 'x' ? 's' : 'S';
        }

        if ((p & 0x400) != 0)
        {
            s[5] = s[5] == 'x' ? 's' : 'S';
        }

        if ((p & 0x200) != 0)
        {
            s[8] = s[8] == 'x' ? 't' : 'T';
        }

        return new string(s);
    }

    public static string TypeName(uint mode) => (mode & 0xF000) switch
    {
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x4000 => "directory",
        0x6000 => "block device",
        0x8000 => "regular file",
        0xA000 => "symbolic link",
        0xC000 => "socket",
        _ => "file of unknown type",
    };

    /// <summary>
    /// Parses a mode: octal digits ("0600", "600", "0o600", or the integer 600 as PowerShell passes it) or the nine
    /// ls -l letters ("rw-r-----"). Throws <see cref="ArgumentException"/> with the accepted forms otherwise.
    /// </summary>
    public static uint Parse(object? value)
    {
        string text = value switch
        {
            null => throw new ArgumentException("A mode is required."),
            string s => s.Trim(),
            int or long or short or byte or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => throw new ArgumentException($"A mode is octal digits such as 0600 or letters such as rw-------; {value.GetType().Name} is neither."),
        };

        if (text.Length == 9 && IsSymbolic(text))
        {
            uint bits = 0;
            for (int i = 0; i < 9; i++)
            {
                if (text[i] != '-')
                {
                    bits |= 1u << (8 - i);
                }
            }

            return bits;
        }

        string digits = text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? text.Substring(2) : text;
        if (digits.Length is > 0 and <= 5)
        {
            uint result = 0;
            bool ok = true;
            foreach (char c in digits)
            {
                if (c is < '0' or > '7')
                {
                    ok = false;
                    break;
                }

                result = (result * 8) + (uint)(c - '0');
            }

            if (ok && result <= 0xFFF)
            {
                return result;
            }
        }

        throw new ArgumentException($"'{text}' is not a mode. Write it as octal digits, such as 0600 or 640, or as nine letters, such as rw-r-----.");
    }

    private static bool IsSymbolic(string text)
    {
        const string letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
        {
            if (text[i] != '-' && text[i] != letters[i])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>User names from /etc/passwd (no NSS): enough for display.</summary>
internal static class UserNames
{
    /// <summary>The id of the user named <paramref name="name"/> in /etc/passwd.</summary>
    public static bool TryFind(string name, out uint uid)
    {
        try
        {
            foreach (string line in System.IO.File.ReadLines("/etc/passwd"))
            {
                string[] parts = line.Split(':');
                if (parts.Length > 2 && parts[0] == name && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
                {
                    return true;
                }
            }
        }
        catch (System.IO.IOException)
        {
        }

        uid = 0;
        return false;
    }

    public static string Lookup(uint uid)
    {
        try
        {
            foreach (string line in System.IO.File.ReadLines("/etc/passwd"))
            {
                string[] parts = line.Split(':');
                if (parts.Length > 2 && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint id) && id == uid)
                {
                    return parts[0];
                }
            }
        }
        catch (System.IO.IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return uid.ToString(CultureInfo.InvariantCulture);
    }
}
