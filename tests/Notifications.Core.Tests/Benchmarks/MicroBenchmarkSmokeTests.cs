using System.Collections;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Notifications.MicroBenchmarks;

namespace Notifications.Core.Tests.Benchmarks;

/// <summary>
/// Every micro-benchmark in bench/Notifications.Benchmarks still runs: each [Benchmark] method, found by reflection, is invoked
/// once for every combination of its [Params] (and [Arguments]), after its [GlobalSetup] and [IterationSetup] and before its
/// [IterationCleanup] and [GlobalCleanup], as BenchmarkDotNet would call them, and must return something (not null, not empty,
/// not false). In-process and once each, so it takes milliseconds, not BenchmarkDotNet's minutes of child processes; nothing is
/// timed. A benchmark that throws fails its row with its own exception.
/// </summary>
public sealed class MicroBenchmarkSmokeTests
{
    private static readonly Assembly BenchAssembly = typeof(BenchmarkInputs).Assembly;

    private static IEnumerable<MethodInfo> BenchmarkMethods(Type type)
        => type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);

    private static IEnumerable<Type> BenchmarkTypes()
        => BenchAssembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && BenchmarkMethods(t).Any());

    /// <summary>One row per benchmark method: "Class.Method".</summary>
    public static TheoryData<string> Benchmarks()
    {
        var data = new TheoryData<string>();
        foreach (var type in BenchmarkTypes().OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var method in BenchmarkMethods(type).OrderBy(m => m.Name, StringComparer.Ordinal))
                data.Add($"{type.Name}.{method.Name}");
        }
        return data;
    }

    [Fact]
    public void TheBenchAssemblyHasTheBenchmarksOfIssue8AndEachConsumesItsResult()
    {
        // Discovery finds them all (more may be added): a rename or a lost [Benchmark] does not silently shrink the smoke test.
        Assert.Subset(
            BenchmarkTypes().Select(t => t.Name).ToHashSet(),
            new HashSet<string>
            {
                "ArticleParsingBenchmarks", "DigestRenderingBenchmarks", "SendGridPayloadBenchmarks", "TokenBenchmarks", "WebhookSignatureBenchmarks"
            });
        foreach (var type in BenchmarkTypes())
        {
            Assert.True(type.GetCustomAttribute<MemoryDiagnoserAttribute>() is not null,
                $"{type.Name} has no [MemoryDiagnoser]: its table would have no Allocated column.");
            foreach (var method in BenchmarkMethods(type))
            {
                // A void benchmark lets the JIT drop the work it measures; returning the result makes BenchmarkDotNet consume it.
                var returned = UnwrapAwaitable(method.ReturnType);
                Assert.True(returned is not null && returned != typeof(void),
                    $"{type.Name}.{method.Name} returns nothing: return the result so it is consumed.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Benchmarks))]
    public async Task BenchmarkRunsOnceAndReturnsAResult(string benchmark)
    {
        var dot = benchmark.IndexOf('.', StringComparison.Ordinal);
        var type = BenchAssembly.GetTypes().Single(t => t.Name == benchmark[..dot]);
        var method = BenchmarkMethods(type).Single(m => m.Name == benchmark[(dot + 1)..]);

        var combinations = ParameterCombinations(type).ToList();
        var argumentSets = ArgumentSets(type, method).ToList();
        foreach (var combination in combinations)
        {
            foreach (var arguments in argumentSets)
            {
                var label = $"{benchmark}({string.Join(", ", arguments.Select(a => a?.ToString() ?? "null"))})"
                    + (combination.Count == 0 ? "" : " [" + string.Join(", ", combination.Select(p => $"{p.Member.Name}={p.Value}")) + "]");
                object? result;
                try
                {
                    result = await RunOnceAsync(type, method, combination, arguments);
                }
                catch (Exception e)
                {
                    // Named with its parameters (the inner exception keeps the benchmark's own type, message and stack).
                    throw new InvalidOperationException($"{label} threw {e.GetType().Name}: {e.Message}", e);
                }
                AssertIsAResult(label, result);
            }
        }
    }

    /// <summary>As BenchmarkDotNet runs one case: a new instance, its parameters set, global setup, one iteration, the cleanups.</summary>
    private static async Task<object?> RunOnceAsync(Type type, MethodInfo benchmark, IReadOnlyList<(MemberInfo Member, object? Value)> parameters,
        object?[] arguments)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var (member, value) in parameters)
        {
            switch (member)
            {
                case PropertyInfo p: p.SetValue(instance, value); break;
                case FieldInfo f: f.SetValue(instance, value); break;
            }
        }

        await InvokeAllAsync<GlobalSetupAttribute>(instance, benchmark);
        try
        {
            await InvokeAllAsync<IterationSetupAttribute>(instance, benchmark);
            try
            {
                return await AwaitIfNeededAsync(Invoke(benchmark, instance, arguments));
            }
            finally
            {
                await InvokeAllAsync<IterationCleanupAttribute>(instance, benchmark);
            }
        }
        finally
        {
            await InvokeAllAsync<GlobalCleanupAttribute>(instance, benchmark);
        }
    }

    /// <summary>The setup or cleanup methods of this kind that apply to <paramref name="benchmark"/> (no Target, or Target naming it).</summary>
    private static async Task InvokeAllAsync<TAttribute>(object instance, MethodInfo benchmark) where TAttribute : TargetedAttribute
    {
        var methods = instance.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<TAttribute>() is { } a && a.Match(benchmark));
        foreach (var method in methods)
            await AwaitIfNeededAsync(Invoke(method, instance, []));
    }

    /// <summary>Invokes without wrapping: a benchmark's own exception fails the test as itself, not as a TargetInvocationException.</summary>
    private static object? Invoke(MethodInfo method, object instance, object?[] arguments)
        => method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);

    private static async Task<object?> AwaitIfNeededAsync(object? value)
    {
        switch (value)
        {
            case Task task:
                await task;
                return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(task) : task;
            case ValueTask valueTask:
                await valueTask;
                return valueTask;
            case not null when value.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(value, null)!;
                return await AwaitIfNeededAsync(asTask);
            default:
                return value;
        }
    }

    private static Type? UnwrapAwaitable(Type type)
    {
        if (type == typeof(Task) || type == typeof(ValueTask)) return null;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            return type.GetGenericArguments()[0];
        return type;
    }

    private static void AssertIsAResult(string label, object? result)
    {
        switch (result)
        {
            case null:
                Assert.Fail($"{label} returned null.");
                break;
            case bool b:
                Assert.True(b, $"{label} returned false.");
                break;
            case string s:
                Assert.False(string.IsNullOrWhiteSpace(s), $"{label} returned an empty string.");
                break;
            case IEnumerable e:
                Assert.True(e.Cast<object?>().Any(), $"{label} returned an empty sequence.");
                break;
        }
    }

    /// <summary>Every combination of the values of the [Params], [ParamsSource] and [ParamsAllValues] members (one empty one without any).</summary>
    private static IEnumerable<IReadOnlyList<(MemberInfo Member, object? Value)>> ParameterCombinations(Type type)
    {
        var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m is PropertyInfo or FieldInfo)
            .Select(m => (Member: m, Values: ParameterValues(type, m)))
            .Where(x => x.Values is not null)
            .OrderBy(x => x.Member.Name, StringComparer.Ordinal)
            .ToList();
        IEnumerable<IReadOnlyList<(MemberInfo, object?)>> combinations = [[]];
        foreach (var (member, values) in members)
        {
            Assert.True(values!.Count > 0, $"{type.Name}.{member.Name} has no parameter values.");
            combinations = combinations.SelectMany(c => values.Select(v => (IReadOnlyList<(MemberInfo, object?)>)[.. c, (member, v)])).ToList();
        }
        return combinations;
    }

    private static IReadOnlyList<object?>? ParameterValues(Type type, MemberInfo member)
    {
        var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
        if (member.GetCustomAttribute<ParamsAttribute>() is { } @params)
            return @params.Values.Select(v => Convert(v, memberType)).ToList();
        if (member.GetCustomAttribute<ParamsSourceAttribute>() is { } source)
            return Source(type, source.Name).Cast<object?>().ToList();
        if (member.GetCustomAttribute<ParamsAllValuesAttribute>() is not null)
        {
            var underlying = Nullable.GetUnderlyingType(memberType) ?? memberType;
            List<object?> values = underlying == typeof(bool) ? [false, true] : underlying.IsEnum ? [.. Enum.GetValues(underlying).Cast<object?>()]
                : throw new InvalidOperationException($"[ParamsAllValues] on {type.Name}.{member.Name} needs a bool or an enum.");
            if (underlying != memberType) values.Add(null);
            return values;
        }
        return null;
    }

    /// <summary>The argument lists of a benchmark method: its [Arguments] or [ArgumentsSource], or one empty list when it takes none.</summary>
    private static IEnumerable<object?[]> ArgumentSets(Type type, MethodInfo method)
    {
        var parameters = method.GetParameters();
        var sets = method.GetCustomAttributes<ArgumentsAttribute>().Select(a => a.Values).ToList();
        if (method.GetCustomAttribute<ArgumentsSourceAttribute>() is { } source)
            sets.AddRange(Source(type, source.Name).Cast<object?>().Select(item => parameters.Length == 1 ? [item] : (object?[])item!));
        if (parameters.Length == 0)
            return [[]];
        Assert.True(sets.Count > 0, $"{type.Name}.{method.Name} takes arguments but has no [Arguments] or [ArgumentsSource].");
        return sets.Select(values => values.Select((v, i) => Convert(v, parameters[i].ParameterType)).ToArray());
    }

    /// <summary>The values of a [ParamsSource] or [ArgumentsSource] member (a method, property or field; static or not).</summary>
    private static IEnumerable Source(Type type, string name)
    {
        var member = type.GetMember(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type.Name} has no member '{name}' for its parameter source.");
        var isStatic = member switch { MethodInfo m => m.IsStatic, PropertyInfo p => p.GetMethod!.IsStatic, FieldInfo f => f.IsStatic, _ => false };
        var target = isStatic ? null : Activator.CreateInstance(type);
        var value = member switch
        {
            MethodInfo m => m.Invoke(target, BindingFlags.DoNotWrapExceptions, null, [], null),
            PropertyInfo p => p.GetValue(target),
            FieldInfo f => f.GetValue(target),
            _ => null,
        };
        return value as IEnumerable ?? throw new InvalidOperationException($"{type.Name}.{name} does not return a sequence.");
    }

    /// <summary>As BenchmarkDotNet converts attribute values (an int for a long or double parameter, and so on).</summary>
    private static object? Convert(object? value, Type to)
    {
        var target = Nullable.GetUnderlyingType(to) ?? to;
        if (value is null || target.IsInstanceOfType(value)) return value;
        if (target.IsEnum) return Enum.ToObject(target, value);
        return System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }
}
