using System;

namespace PSIpc.Native;

/// <summary>
/// Marks a constant written by hand from the C headers. The layout test (tests/PSIpc.Tests/NativeLayoutTests.cs)
/// finds every marked constant by reflection, compiles a C program that prints the C expression, and compares.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false)]
internal sealed class CValueAttribute : Attribute
{
    /// <param name="expression">The C expression, such as <c>offsetof(struct msqid_ds, msg_qnum)</c>; the member's name when null.</param>
    public CValueAttribute(string? expression = null)
    {
        Expression = expression;
    }

    public string? Expression { get; }
}

/// <summary>Marks a struct laid out by hand as the C struct <see cref="Name"/>: its size and the offset of each field are tested.</summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false)]
internal sealed class CStructAttribute : Attribute
{
    public CStructAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The C type, such as <c>struct mq_attr</c>.</summary>
    public string Name { get; }
}

/// <summary>Names a field of a <see cref="CStructAttribute"/> struct by its C name, when the names differ.</summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false)]
internal sealed class CFieldAttribute : Attribute
{
    public CFieldAttribute(string name)
    {
        Name = name;
    }

    public string Name { get; }
}

/// <summary>The C headers that define what a class's marked members stand for.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true)]
internal sealed class CHeaderAttribute : Attribute
{
    public CHeaderAttribute(string header)
    {
        Header = header;
    }

    public string Header { get; }
}
