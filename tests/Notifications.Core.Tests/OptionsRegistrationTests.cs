using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Notifications.Core.Tests;

/// <summary>
/// Each folder's <c>AddXxx</c> binds and validates its own options: every options class of Notifications.Core (a class with
/// <c>public const string Section</c>) is bound from its section exactly once, and validated when the host starts.
/// </summary>
public sealed class OptionsRegistrationTests
{
    public static TheoryData<Type> OptionsClasses() => new(typeof(ServiceCollectionExtensions).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true }));

    private static readonly Lazy<IServiceCollection> Services = new(() =>
        new ServiceCollection().AddNotifications(new ConfigurationBuilder().Build()));

    [Fact]
    public void TheOptionsClassesAreFound()
    {
        // If none were found, the theories below would pass vacuously.
        Assert.True(OptionsClasses().Count >= 10, $"Only {OptionsClasses().Count} options classes found.");
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void EveryOptionsClassIsBoundFromItsSectionOnce(Type options)
    {
        var binding = typeof(NamedConfigureFromConfigurationOptions<>).MakeGenericType(options);
        var bindings = Services.Value.Count(d => d.ServiceType == typeof(IConfigureOptions<>).MakeGenericType(options)
            && binding.IsInstanceOfType(d.ImplementationInstance));

        Assert.True(bindings == 1, $"{options.Name} is bound from configuration {bindings} times: bind it once, in its folder's AddXxx.");
    }

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void EveryOptionsClassIsValidatedOnStart(Type options)
    {
        using var provider = Services.Value.BuildServiceProvider();

        Assert.Contains((options, Options.DefaultName), StartupValidated(provider));
    }

    /// <summary>The (options type, name) pairs <c>ValidateOnStart</c> registered: what the host's start validates.</summary>
    private static IEnumerable<(Type, string)> StartupValidated(IServiceProvider provider)
    {
        var startupOptions = typeof(IStartupValidator).Assembly.GetType("Microsoft.Extensions.Options.StartupValidatorOptions", throwOnError: true)!;
        var holder = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(startupOptions));
        var value = holder.GetType().GetProperty("Value")!.GetValue(holder)!;
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var validators = (IDictionary)(startupOptions.GetProperty("_validators", Any)?.GetValue(value)
            ?? startupOptions.GetField("_validators", Any)!.GetValue(value))!;
        return validators.Keys.Cast<(Type, string)>();
    }
}
