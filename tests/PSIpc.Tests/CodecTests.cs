using System;
using System.Collections;
using System.Management.Automation;
using System.Text;
using Xunit;

namespace PSIpc.Tests;

public sealed class CodecTests
{
    [Fact]
    public void TextIsUtf8()
    {
        byte[] bytes = MessageCodec.Encode("grüße", IpcEncoding.Text, 2);
        Assert.Equal(Encoding.UTF8.GetBytes("grüße"), bytes);
        Assert.Equal("grüße", MessageCodec.Decode(bytes, IpcEncoding.Text));
    }

    [Fact]
    public void BytesPassThroughWithoutCopy()
    {
        byte[] body = { 1, 2, 3 };
        Assert.Same(body, MessageCodec.Encode(body, IpcEncoding.Bytes, 2));
        Assert.Same(body, MessageCodec.Encode(PSObject.AsPSObject(body), IpcEncoding.Bytes, 2));
    }

    [Fact]
    public void BytesRefuseAString()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => MessageCodec.Encode("abc", IpcEncoding.Bytes, 2));
        Assert.Contains("byte[]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonWritesCompactObjects()
    {
        var table = new System.Collections.Specialized.OrderedDictionary { ["a"] = 1, ["b"] = "x", ["c"] = new object?[] { true, null, 2.5 } };
        Assert.Equal("{\"a\":1,\"b\":\"x\",\"c\":[true,null,2.5]}", Encoding.UTF8.GetString(MessageCodec.Encode(table, IpcEncoding.Json, 4)));
    }

    [Fact]
    public void JsonStopsAtDepthWithTheStringForm()
    {
        var inner = new Hashtable { ["deep"] = new Hashtable { ["deeper"] = 1 } };
        var outer = new Hashtable { ["inner"] = inner };
        string json = Encoding.UTF8.GetString(MessageCodec.Encode(outer, IpcEncoding.Json, 1));
        Assert.Equal("{\"inner\":{\"deep\":\"System.Collections.Hashtable\"}}", json);
    }

    [Fact]
    public void JsonReadsObjectsAsCustomObjects()
    {
        object? body = MessageCodec.Decode(Encoding.UTF8.GetBytes("{\"n\":3,\"big\":12345678901,\"f\":1.5,\"list\":[1,\"two\"],\"o\":{\"k\":null}}"), IpcEncoding.Json);
        var pso = Assert.IsType<PSObject>(body);
        Assert.Equal(3, pso.Properties["n"].Value);
        Assert.Equal(12345678901L, pso.Properties["big"].Value);
        Assert.Equal(1.5, pso.Properties["f"].Value);
        Assert.Equal(new object?[] { 1, "two" }, (object?[])pso.Properties["list"].Value);
        Assert.Null(((PSObject)pso.Properties["o"].Value).Properties["k"].Value);
    }

    [Fact]
    public void BadJsonIsAProtocolError()
    {
        IpcProtocolException e = Assert.Throws<IpcProtocolException>(() => MessageCodec.Decode(Encoding.UTF8.GetBytes("{oops"), IpcEncoding.Json));
        Assert.Equal("JsonInvalid", e.ErrorId);
    }

    [Fact]
    public void BadCliXmlIsAProtocolError()
    {
        IpcProtocolException e = Assert.Throws<IpcProtocolException>(() => MessageCodec.Decode(Encoding.UTF8.GetBytes("<Objs><broken"), IpcEncoding.CliXml));
        Assert.Equal("CliXmlInvalid", e.ErrorId);
    }

    [Theory]
    [InlineData("0600", 0x180u)]
    [InlineData("600", 0x180u)]
    [InlineData("0o640", 0x1A0u)]
    [InlineData("rw-r-----", 0x1A0u)]
    [InlineData("rwxrwxrwx", 0x1FFu)]
    [InlineData("4755", 0x9EDu)]
    public void ModesParse(string text, uint expected)
    {
        Assert.Equal(expected, FileModes.Parse(text));
    }

    [Fact]
    public void IntegerModesAreReadAsOctalDigits()
    {
        // PowerShell reads -Mode 0600 as the integer 600.
        Assert.Equal(0x180u, FileModes.Parse(600));
    }

    [Theory]
    [InlineData("0800")]
    [InlineData("rw-rw-rwz")]
    [InlineData("")]
    [InlineData("77777")]
    public void BadModesAreRefused(string text)
    {
        Assert.Throws<ArgumentException>(() => FileModes.Parse(text));
    }

    [Theory]
    [InlineData(0x180u, "0600", "rw-------")]
    [InlineData(0x9EDu, "04755", "rwsr-xr-x")]
    [InlineData(0x3FFu, "01777", "rwxrwxrwt")]
    public void ModesFormat(uint mode, string octal, string symbolic)
    {
        Assert.Equal(octal, FileModes.ToOctal(mode));
        Assert.Equal(symbolic, FileModes.ToSymbolic(mode));
    }
}
