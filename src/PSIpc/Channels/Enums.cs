namespace PSIpc;

/// <summary>How a message body is turned into bytes.</summary>
public enum IpcEncoding : byte
{
    /// <summary>byte[] as is.</summary>
    Bytes = 0,

    /// <summary>UTF-8 text.</summary>
    Text = 1,

    /// <summary>PowerShell's CliXml serialization: objects round-trip as deserialized objects.</summary>
    CliXml = 2,

    /// <summary>Compact JSON, for peers in other languages.</summary>
    Json = 3,
}

/// <summary>How messages are delimited on a stream channel.</summary>
public enum IpcFraming
{
    /// <summary>Length-prefixed frames that record their encoding: one Send is one Receive.</summary>
    Message,

    /// <summary>Newline-delimited text, for shell tools and C peers.</summary>
    Line,

    /// <summary>Bytes as they arrive, no delimiting.</summary>
    Raw,
}

/// <summary>Which way a channel carries messages, seen from this process.</summary>
public enum IpcDirection
{
    Read,
    Write,
    Both,
}
