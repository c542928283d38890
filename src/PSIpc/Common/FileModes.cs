using System;
using System.Globalization;

namespace PSIpc;

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
            _ => throw new ArgumentException(
                $"A mode is octal digits such as 0600 or letters such as rw-------; {value.GetType().Name} is "
                + "neither."),
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

        throw new ArgumentException(
            $"'{text}' is not a mode. Write it as octal digits, such as 0600 or 640, or as nine letters, such as "
            + "rw-r-----.");
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
