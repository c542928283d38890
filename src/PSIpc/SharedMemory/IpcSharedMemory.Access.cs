using System;
using System.Buffers.Binary;
using System.Threading;

namespace PSIpc;

/// <summary>Reading and writing the region: bytes, strings, framed objects and atomic integers, each access bounds-checked.</summary>
public sealed unsafe partial class IpcSharedMemory
{
    /// <summary>The region's bytes from <paramref name="offset"/>, without copying. Valid until Dispose.</summary>
    public Span<byte> AsSpan(long offset = 0, int? length = null)
    {
        int len = length ?? (int)Math.Min(Size - offset, int.MaxValue);
        CheckRange(offset, len);
        return new Span<byte>(_mapping.Address + offset, len);
    }

    public byte[] ReadBytes(long offset, int length)
    {
        using var lease = Lease(offset, length, write: false);
        return new ReadOnlySpan<byte>(lease.At(offset), length).ToArray();
    }

    public void WriteBytes(long offset, byte[] data) => WriteBytes(offset, (ReadOnlySpan<byte>)data);

    public void WriteBytes(long offset, ReadOnlySpan<byte> data)
    {
        using var lease = Lease(offset, data.Length, write: true);
        data.CopyTo(new Span<byte>(lease.At(offset), data.Length));
    }

    /// <summary>Reads a NUL-terminated UTF-8 string, as C's printf("%s") does; at most to the region's end (or
    /// <paramref name="maxLength"/> bytes).</summary>
    public string ReadString(long offset = 0, int? maxLength = null)
    {
        int limit = (int)Math.Min(maxLength ?? long.MaxValue, Math.Min(Size - Math.Max(offset, 0), int.MaxValue));
        using var lease = Lease(offset, limit, write: false);
        var span = new ReadOnlySpan<byte>(lease.At(offset), limit);
        int end = span.IndexOf((byte)0);
        return Utf8.GetString(end >= 0 ? span.Slice(0, end) : span);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 followed by a NUL, as C's strcpy does.</summary>
    public void WriteString(long offset, string text)
    {
        byte[] bytes = new byte[Utf8.GetByteCount(text) + 1];
        Utf8.GetBytes(text, 0, text.Length, bytes, 0);
        WriteBytes(offset, bytes);
    }

    /// <summary>Writes an object with the 8-byte PSIpc header (encoding and length), so ReadObject reads it back.</summary>
    public int WriteObject(long offset, object? value, IpcEncoding encoding = IpcEncoding.CliXml, int depth = 2)
    {
        byte[] payload = MessageCodec.Encode(value, encoding, depth);
        byte[] framed = new byte[Frame.HeaderSize + payload.Length];
        Frame.WriteHeader(framed, encoding, payload.Length);
        payload.CopyTo(framed, Frame.HeaderSize);
        WriteBytes(offset, framed);
        return framed.Length;
    }

    /// <summary>Whether a PSIpc header starts at <paramref name="offset"/> with a payload that fits the region.</summary>
    public bool HasObjectAt(long offset)
    {
        if (offset < 0 || offset + Frame.HeaderSize > Size)
        {
            return false;
        }

        byte[] header = ReadBytes(offset, Frame.HeaderSize);
        try
        {
            (_, int length) = Frame.ReadHeader(header, int.MaxValue);
            return offset + Frame.HeaderSize + length <= Size;
        }
        catch (IpcProtocolException)
        {
            return false;
        }
    }

    /// <summary>Reads an object WriteObject wrote (throws IpcProtocolException when no valid header is there).</summary>
    public object? ReadObject(long offset = 0)
    {
        byte[] header = ReadBytes(offset, Frame.HeaderSize);
        (IpcEncoding encoding, int length) = Frame.ReadHeader(header, (int)Math.Min(Size - offset - Frame.HeaderSize, int.MaxValue));
        return MessageCodec.Decode(ReadBytes(offset + Frame.HeaderSize, length), encoding);
    }

    /// <summary>Atomically adds <paramref name="value"/> to the 8-byte integer at <paramref name="offset"/>
    /// (8-aligned); returns the new value. Atomic across processes.</summary>
    public long Add(long offset, long value)
    {
        if (offset % 8 != 0)
        {
            throw new ArgumentException(
                $"Offset {offset} is not a multiple of 8; atomic operations need an aligned 8-byte integer.", nameof(offset));
        }

        using var lease = Lease(offset, 8, write: true);
        return Interlocked.Add(ref *(long*)lease.At(offset), value);
    }

    /// <summary>Reads the 8-byte little-endian integer at <paramref name="offset"/>.</summary>
    public long ReadInt64(long offset) => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(offset, 8));

    /// <summary>Writes an 8-byte little-endian integer at <paramref name="offset"/>.</summary>
    public void WriteInt64(long offset, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        WriteBytes(offset, b);
    }
}
