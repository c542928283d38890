using System;
using System.Net;
using PSIpc.Native;
using Xunit;

namespace PSIpc.Tests;

/// <summary>Socket addresses built on Tmds.LibC's sockaddr structs read back as people write them, with the kernel's lengths.</summary>
public sealed class SockAddrTests
{
    [Theory]
    [InlineData("127.0.0.1", 5000, "127.0.0.1:5000", 16)]
    [InlineData("::1", 443, "[::1]:443", 28)]
    public void InetAddressesRoundTrip(string ip, int port, string text, int length)
    {
        SockAddr address = SockAddr.Inet(IPAddress.Parse(ip), port);
        Assert.Equal(text, address.ToString());
        Assert.Equal(port, address.Port);
        Assert.Equal(length, address.Length);
    }

    [Fact]
    public void UnixPathsEndWithNulAndAbstractNamesStartWithOne()
    {
        SockAddr path = SockAddr.Unix("/tmp/s", isAbstract: false);
        Assert.Equal("/tmp/s", path.ToString());
        Assert.Equal(2 + 6 + 1, path.Length);
        Assert.Equal(Sockets.AF_UNIX, path.Family);

        SockAddr name = SockAddr.Unix("svc", isAbstract: true);
        Assert.Equal("@svc", name.ToString());
        Assert.Equal(2 + 1 + 3, name.Length);
        Assert.Equal(0, name.Bytes[2]);
    }

    [Fact]
    public void RefusesAPathLongerThanSunPath()
    {
        Assert.Throws<ArgumentException>(() => SockAddr.Unix("/" + new string('x', SockAddr.MaxUnixPath), isAbstract: false));
        Assert.Equal(SockAddr.MaxUnixPath, SockAddr.Unix("/" + new string('x', SockAddr.MaxUnixPath - 1), isAbstract: false).Length - 3);
    }
}
