using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using PSIpc.Native;
using Xunit;

namespace PSIpc.Tests;

/// <summary>
/// Every constant and struct the module writes by hand for its own P/Invoke, compared with the system headers, as
/// Tmds.LibC's ConstantsTests and StructTests do: the members marked [CValue] and the structs marked [CStruct] are
/// found by reflection, a C program that prints the same expressions is generated and compiled with gcc, and each
/// value must match. Marking a new member is all it takes to test it.
/// </summary>
public sealed class NativeLayoutTests
{
    private static readonly Type[] Types = typeof(SafeFd).Assembly.GetTypes();

    public static TheoryData<string> Checks()
    {
        var data = new TheoryData<string>();
        foreach ((string name, _, _) in Expected())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void FindsTheMarkedMembers()
    {
        // The reflection finds what it should: the System V layout, mq_attr and timespec at least.
        string[] names = Expected().Select(e => e.Name).ToArray();
        Assert.Contains("SysVMessageQueues.OffsetQnum", names);
        Assert.Contains("struct mq_attr.mq_curmsgs", names);
        Assert.Contains("sizeof(struct timespec)", names);
        Assert.True(names.Length >= 40, $"only {names.Length} marked members were found");
    }

    [Theory]
    [MemberData(nameof(Checks))]
    public void MatchesTheHeaders(string name)
    {
        (_, string expression, long expected) = Expected().Single(e => e.Name == name);
        Assert.True(Measured.Value.TryGetValue(name, out long actual), $"the C program printed nothing for {name}");
        Assert.True(expected == actual, $"{name}: the module has {expected}, the headers say {actual} ({expression})");
    }

    private static readonly Lazy<Dictionary<string, long>> Measured = new(CompileAndRun);

    /// <summary>Each check: a name, the C expression, and the value the module uses.</summary>
    private static IEnumerable<(string Name, string Expression, long Value)> Expected()
    {
        foreach (Type type in Types)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (field.GetCustomAttribute<CValueAttribute>() is { } value)
                {
                    yield return ($"{type.Name}.{field.Name}", value.Expression ?? field.Name, Convert.ToInt64(field.GetValue(null), CultureInfo.InvariantCulture));
                }
            }

            if (type.GetCustomAttribute<CStructAttribute>() is { } layout)
            {
                yield return ($"sizeof({layout.Name})", $"sizeof({layout.Name})", Marshal.SizeOf(type));
                foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
                {
                    if (field.GetCustomAttribute<CFieldAttribute>() is { } cField)
                    {
                        yield return ($"{layout.Name}.{cField.Name}", $"offsetof({layout.Name}, {cField.Name})", Marshal.OffsetOf(type, field.Name).ToInt64());
                    }
                }
            }
        }
    }

    private static string Program()
    {
        var c = new StringBuilder("#define _GNU_SOURCE\n#include <stdio.h>\n#include <stddef.h>\n");
        foreach (string header in Types.SelectMany(t => t.GetCustomAttributes<CHeaderAttribute>()).Select(h => h.Header).Distinct().Order())
        {
            c.Append("#include <").Append(header).Append(">\n");
        }

        c.Append("int main(void) {\n");
        foreach ((string name, string expression, _) in Expected())
        {
            c.Append("    printf(\"%s %lld\\n\", \"").Append(name).Append("\", (long long)(").Append(expression).Append("));\n");
        }

        return c.Append("    return 0;\n}\n").ToString();
    }

    private static Dictionary<string, long> CompileAndRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"psipc-test-layout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "layout.c");
            string exe = Path.Combine(dir, "layout");
            File.WriteAllText(source, Program());
            Run("gcc", "-o", exe, source, "-lrt", "-lpthread");
            return Run(exe).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => (Name: line[..line.LastIndexOf(' ')], Value: line[(line.LastIndexOf(' ') + 1)..]))
                .ToDictionary(p => p.Name, p => long.Parse(p.Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {error}");
        return output;
    }
}
