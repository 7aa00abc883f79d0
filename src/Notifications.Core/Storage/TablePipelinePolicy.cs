using Azure.Core;
using Azure.Core.Pipeline;

namespace Notifications.Storage;

/// <summary>
/// An extra policy in the table clients' HTTP pipeline (<see cref="StorageResources"/>). Production registers none; the benchmarks
/// (DevTools) register one that counts the entities each read returns, per table and partition, and can throttle reads to Azure
/// Table's scalability targets.
/// </summary>
public sealed record TablePipelinePolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position = HttpPipelinePosition.PerCall);
