using System;
using System.Globalization;

namespace PSIpc;

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
                if (parts.Length > 2 && parts[0] == name
                    && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
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
