using System;

namespace PSIpc;

/// <summary>
/// A path that PSIpc had just created was swapped for something else (a symbolic link, another user's object) before
/// its mode was set: nothing was changed through it. Someone else can write the directory; use one only you can.
/// </summary>
public sealed class IpcPathReplacedException : UnauthorizedAccessException
{
    public IpcPathReplacedException(string path, string found)
        : base($"'{path}' was replaced by {found} between its creation and the setting of its mode, so its mode was "
            + "not set and nothing it points at was changed. Another process can write that directory: create the "
            + "object in a directory only you can write.")
    {
        Path = path;
    }

    /// <summary>The path that was replaced.</summary>
    public string Path { get; }
}
