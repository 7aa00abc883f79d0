using Microsoft.Extensions.Logging.Abstractions;
using Notifications.Local;
using Xunit;

namespace Notifications.Testing;

/// <summary>
/// One real Azurite per test assembly (an xunit assembly fixture), on free loopback ports, in memory; stopped at the end.
/// Tests isolate themselves with fresh container and table names (<see cref="TestSettings"/>), not with fakes.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteInstance? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    public async ValueTask InitializeAsync()
        => _azurite = await new AzuriteLauncher(NullLogger<AzuriteLauncher>.Instance).StartOnFreePortsAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
