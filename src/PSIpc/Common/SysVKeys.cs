using System;

namespace PSIpc;

/// <summary>What every System V object (queue, segment) requires of the key a user gives.</summary>
internal static class SysVKeys
{
    /// <summary>Key 0 is IPC_PRIVATE to the kernel: a new private object every time, never the one a user means by "key 0".</summary>
    public static void Check(int? key)
    {
        if (key == 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(key),
                "Key 0 is IPC_PRIVATE to the kernel: it always makes a new private object that no one else can find by key. "
                + "Use -Private for that, or choose a key other than 0.");
        }
    }
}
