using System;

namespace PSIpc;

/// <summary>The rule every POSIX IPC name follows (mq_open, shm_open, sem_open): '/' and then a name without '/'.</summary>
internal static class PosixNames
{
    /// <summary>
    /// Throws an ArgumentException for <paramref name="name"/> unless it is '/' and 1 to <paramref name="maxLength"/>
    /// other characters.
    /// </summary>
    public static void Check(string name, string what, int maxLength, string example)
    {
        if (string.IsNullOrEmpty(name) || name[0] != '/' || name.Length < 2 || name.Length > maxLength + 1
            || name.IndexOf('/', 1) >= 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{name}' is not a POSIX {what} name. A name is '/' followed by 1 to {maxLength} characters with no other '/', "
                + $"such as {example}.",
                nameof(name));
        }
    }
}
