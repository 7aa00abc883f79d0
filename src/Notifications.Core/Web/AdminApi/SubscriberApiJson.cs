using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notifications.Web;

/// <summary>
/// The source-generated JSON of the admin API (<see cref="SubscriberApi"/>) and of <c>notify subscribers list|show --json</c>: every
/// type they read and write, in the web defaults (camelCase names, nulls written). The composition registers it first in the
/// HTTP JSON options, so the API's typed results use it; the CLI writes through <see cref="Default"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubscriberJson))]
[JsonSerializable(typeof(IReadOnlyList<SubscriberJson>))]
[JsonSerializable(typeof(SubscriberHistoryJson))]
[JsonSerializable(typeof(SubscriberListPage))]
[JsonSerializable(typeof(SubscriberSearchApiPage))]
[JsonSerializable(typeof(NewSubscriberRequest))]
[JsonSerializable(typeof(SubscriberChangesRequest))]
[JsonSerializable(typeof(ImportResponse))]
[JsonSerializable(typeof(IReadOnlyList<CoverageJson>))]
public sealed partial class SubscriberApiJson : JsonSerializerContext;
