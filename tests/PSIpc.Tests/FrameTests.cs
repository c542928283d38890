using System;
using System.Linq;
using Xunit;

namespace PSIpc.Tests;

public sealed class FrameTests
{
    [Theory]
    [InlineData(IpcEncoding.Bytes, 0)]
    [InlineData(IpcEncoding.Text, 5)]
    [InlineData(IpcEncoding.CliXml, 65536)]
    [InlineData(IpcEncoding.Json, 0x01020304)]
    public void HeaderRoundTrips(IpcEncoding encoding, int length)
    {
        byte[] header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, encoding, length);
        Assert.Equal(new byte[] { (byte)'P', (byte)'I', 1, (byte)encoding }, header.Take(4).ToArray());
        (IpcEncoding e, int l) = Frame.ReadHeader(header, int.MaxValue);
        Assert.Equal(encoding, e);
        Assert.Equal(length, l);
    }

    [Fact]
    public void LengthIsBigEndian()
    {
        byte[] header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, IpcEncoding.Text, 0x01020304);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, header.Skip(4).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'X', (byte)'I', 1, 1, 0, 0, 0, 1 }, "FrameBadMagic")]
    [InlineData(new byte[] { (byte)'P', (byte)'I', 2, 1, 0, 0, 0, 1 }, "FrameBadVersion")]
    [InlineData(new byte[] { (byte)'P', (byte)'I', 1, 9, 0, 0, 0, 1 }, "FrameBadEncoding")]
    [InlineData(new byte[] { (byte)'P', (byte)'I', 1, 1, 0, 0, 1, 0 }, "FrameTooLarge")]
    public void BadHeadersAreProtocolErrors(byte[] header, string errorId)
    {
        IpcProtocolException e = Assert.Throws<IpcProtocolException>(() => Frame.ReadHeader(header, 255));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void EveryHeaderIsEitherAcceptedOrAProtocolError()
    {
        // A small exhaustive sweep of the first four bytes: nothing else may escape the decoder.
        var random = new Random(1234);
        byte[] header = new byte[Frame.HeaderSize];
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(header);
            if (i % 3 == 0)
            {
                header[0] = (byte)'P';
                header[1] = (byte)'I';
                header[2] = 1;
            }

            try
            {
                (IpcEncoding e, int l) = Frame.ReadHeader(header, 1 << 20);
                Assert.InRange(l, 0, 1 << 20);
                Assert.True(Enum.IsDefined(e));
            }
            catch (IpcProtocolException)
            {
            }
        }
    }
}
