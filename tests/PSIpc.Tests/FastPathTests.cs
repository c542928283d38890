using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace PSIpc.Tests;

/// <summary>
/// The data paths made faster for issue 16 keep their guarantees: a large frame read straight into its own array
/// survives a timeout or a NoWait receive in its middle, bare queue datagrams keep every byte for Bytes, and the
/// ring's in-place calls send or take exactly one message even when the caller's delegate throws.
/// </summary>
public sealed class FastPathTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    /// <summary>A Raw writer (no framing of its own) and a Message reader on one FIFO: the test writes frames by hand.</summary>
    private sealed class RawFifo : IDisposable
    {
        private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("psipc-test-fastpath-").FullName;

        public RawFifo()
        {
            string path = System.IO.Path.Combine(_dir, "fifo");
            IpcFifo.Create(path);
            Reader = IpcFifoChannel.Open(path, IpcDirection.Read, timeout: Long);
            Writer = IpcFifoChannel.Open(path, IpcDirection.Write, IpcFraming.Raw, Long);
        }

        public IpcFifoChannel Writer { get; }

        public IpcFifoChannel Reader { get; }

        public void Dispose()
        {
            Writer.Dispose();
            Reader.Dispose();
            System.IO.Directory.Delete(_dir, true);
        }
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    private static byte[] Header(int length)
    {
        byte[] header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, IpcEncoding.Bytes, length);
        return header;
    }

    [Fact]
    public void LargeFrameSurvivesTimeoutAndNoWaitInItsMiddle()
    {
        using var fifo = new RawFifo();
        IpcFifoChannel writer = fifo.Writer, reader = fifo.Reader;
        {
            byte[] payload = Pattern(40_000);
            writer.SendPayload(Header(payload.Length).Concat(payload.Take(20_000)).ToArray(), IpcEncoding.Bytes);
            Assert.Throws<IpcTimeoutException>(() => reader.Receive(Short, IpcEncoding.Bytes));
            writer.SendPayload(payload.AsSpan(20_000, 10_000), IpcEncoding.Bytes);
            Assert.Null(reader.Receive(null, IpcEncoding.Bytes, new ReceiveOptions(NoWait: true), default));
            writer.SendPayload(payload.AsSpan(30_000), IpcEncoding.Bytes);
            writer.SendPayload(Header(3).Concat(new byte[] { 1, 2, 3 }).ToArray(), IpcEncoding.Bytes);

            Assert.Equal(payload, (byte[])reader.Receive(Long, IpcEncoding.Bytes)!.Body!);
            Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])reader.Receive(Long, IpcEncoding.Bytes)!.Body!);
            Assert.Equal(2, reader.MessagesReceived);
        }
    }

    [Fact]
    public void LargeFrameCutByTheWriterIsTruncatedNotHalfDelivered()
    {
        using var fifo = new RawFifo();
        IpcFifoChannel writer = fifo.Writer, reader = fifo.Reader;
        {
            writer.SendPayload(Header(50_000).Concat(Pattern(30_000)).ToArray(), IpcEncoding.Bytes);
            writer.Dispose();
            IpcProtocolException e = Assert.Throws<IpcProtocolException>(() => reader.Receive(Long, IpcEncoding.Bytes));
            Assert.Equal("FrameTruncated", e.ErrorId);
            Assert.Contains("after 30000 of the 50000 bytes", e.Message, StringComparison.Ordinal);
            Assert.Null(reader.Receive(Long, IpcEncoding.Bytes));
        }
    }

    [Fact]
    public void BareQueueBytesKeepTrailingZerosAndTextDropsThem()
    {
        SysVMessageQueue queue = SysVMessageQueue.Create(null);
        try
        {
            queue.SendPayload(new byte[] { 65, 0, 0 }, 1);
            queue.SendPayload(new byte[] { 66, 0, 0 }, 1);
            Assert.Equal(new byte[] { 65, 0, 0 }, (byte[])queue.Receive(0, Long, IpcEncoding.Bytes)!.Body!);
            IpcMessage text = queue.Receive(0, Long)!;
            Assert.Equal("B", text.Body);
            Assert.Equal(1, text.Length);
        }
        finally
        {
            queue.Remove();
        }
    }

    [Fact]
    public void RingSendsAndReceivesInPlace()
    {
        using Ring ring = new();
        ring.Value.SendInPlace(5, static (slot, text) => System.Text.Encoding.ASCII.GetBytes(text, slot), "hello", IpcEncoding.Text);
        var seen = new List<string>();
        int length = ring.Value.ReceiveInPlace(static (slot, list) => list.Add(System.Text.Encoding.ASCII.GetString(slot)), seen, Long);
        Assert.Equal(5, length);
        Assert.Equal(new[] { "hello" }, seen);
        Assert.Equal(1, ring.Value.MessagesSent);
        Assert.Equal(1, ring.Value.MessagesReceived);
        Assert.Equal(-1, ring.Value.ReceiveInPlace(static (_, _) => { }, 0, noWait: true));
    }

    [Fact]
    public void RingWriterThatThrowsSendsNothingAndTheNextMessageFlows()
    {
        using Ring ring = new();
        Assert.Throws<InvalidOperationException>(() =>
            ring.Value.SendInPlace(4, static (_, _) => throw new InvalidOperationException("no"), 0));
        ring.Value.SendPayload(new byte[] { 9 }, IpcEncoding.Bytes);
        IpcMessage next = ring.Value.Receive(Long, IpcEncoding.Bytes)!;
        Assert.Equal(new byte[] { 9 }, (byte[])next.Body!);
        Assert.Null(ring.Value.Receive(null, IpcEncoding.Bytes, new ReceiveOptions(NoWait: true), default));
    }

    [Fact]
    public void RingReaderThatThrowsStillTakesTheMessage()
    {
        using Ring ring = new();
        ring.Value.SendPayload(new byte[] { 1 }, IpcEncoding.Bytes);
        ring.Value.SendPayload(new byte[] { 2 }, IpcEncoding.Bytes);
        Assert.Throws<FormatException>(() => ring.Value.ReceiveInPlace(static (_, _) => throw new FormatException("bad"), 0, Long));
        byte[] into = new byte[ring.Value.MessageSize];
        Assert.Equal(1, ring.Value.ReceiveInto(into, Long));
        Assert.Equal(2, into[0]);
    }

    [Fact]
    public void RingRefusesAnInPlaceMessageLargerThanItsSlots()
    {
        using Ring ring = new();
        ArgumentException e = Assert.Throws<ArgumentException>(() => ring.Value.SendInPlace(ring.Value.MessageSize + 1, static (_, _) => { }, 0));
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A small ring of this process, removed afterwards.</summary>
    private sealed class Ring : IDisposable
    {
        public IpcRing Value { get; } = IpcRing.Create($"/psipc-xunit-{Environment.ProcessId}-{Guid.NewGuid():N}", 4, 64);

        public void Dispose() => Value.Remove();
    }
}
