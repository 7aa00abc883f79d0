using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The admin API refuses what it cannot use with a problem that says what to give: malformed ids (400, never a bare 500),
/// bodies not declared JSON (415); and it records as the actor only what the platform vouches for.
/// </summary>
public sealed class AdminApiHardeningTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Karimov =
        """{"email":"a.karimov@customs.uz.example","name":"Aziz Karimov","organization":"Customs Committee of Uzbekistan","country":"UZ"}""";

    private static async Task<(TestHost Host, ManageSubscribers Api)> StartAsync(AzuriteFixture azurite, string? platformAuthentication = null)
    {
        var settings = TestSettings.For(azurite);
        if (platformAuthentication is not null) settings[SubscriberApi.PlatformAuthenticationSetting] = platformAuthentication;
        var host = await TestHost.StartAsync(settings);
        return (host, ActivatorUtilities.CreateInstance<ManageSubscribers>(host.Services));
    }

    public static TheoryData<string, string> MalformedIds()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in new[] { "GET", "PATCH", "DELETE" })
            foreach (var id in new[] { "notanemail", "%00", new string('x', 300), new string('a', 31), "not@an@address", "@customs.example" })
                data.Add(method, id);
        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task AMalformedIdIsAProblemNamingIdAndWhatToGive(string method, string id)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var answer = await HttpCall.InvokeAsync(host.Services, method switch
        {
            "GET" => r => api.Get(r, id, Ct),
            "PATCH" => r => api.Update(r, id, Ct),
            _ => r => api.Erase(r, id, Ct),
        }, method, body: method == "PATCH" ? """{"name":"X"}""" : null);

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Equal("id", answer.Json.GetProperty("field").GetString());
        var detail = answer.Json.GetProperty("detail").GetString()!;
        Assert.Contains("32 hexadecimal characters", detail);
        Assert.Contains("address", detail);
        Assert.DoesNotContain(id, detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', detail);
    }

    [Fact]
    public async Task AnUppercaseIdOrAnEncodedAddressStillFindsTheSubscriber()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;

        var upper = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id.ToUpperInvariant(), Ct), "GET");
        var encoded = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, "A.Karimov%40customs.uz.example", Ct), "GET");
        var erased = await HttpCall.InvokeAsync(host.Services, r => api.Erase(r, "a.karimov@customs.uz.example", Ct), "DELETE");

        Assert.Equal((200, 200, 204), (upper.Status, encoded.Status, erased.Status));
    }

    [Fact]
    public async Task GetPatchAndDeleteWithAnUppercaseIdBehaveAsWithTheLowercaseId()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!;
        var upper = id.ToUpperInvariant();

        var lowerGet = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id, Ct), "GET");
        var upperGet = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, upper, Ct), "GET");
        var patched = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, upper, Ct), "PATCH", body: """{"name":"Aziz K."}""");
        var afterPatch = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id, Ct), "GET");
        var erased = await HttpCall.InvokeAsync(host.Services, r => api.Erase(r, upper, Ct), "DELETE");
        var lowerAfterErase = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, id, Ct), "GET");
        var upperAfterErase = await HttpCall.InvokeAsync(host.Services, r => api.Get(r, upper, Ct), "GET");

        Assert.Equal((200, 200), (lowerGet.Status, upperGet.Status));
        Assert.Equal(lowerGet.Json.ToString(), upperGet.Json.ToString());
        Assert.Equal(200, patched.Status);
        Assert.Equal((id, "Aziz K."), (patched.Json.GetProperty("id").GetString(), afterPatch.Json.GetProperty("name").GetString()));
        Assert.Equal(204, erased.Status);
        Assert.Equal((404, 404), (lowerAfterErase.Status, upperAfterErase.Status));
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Theory]
    [InlineData("POST", "text/plain")]
    [InlineData("POST", "application/x-www-form-urlencoded")]
    [InlineData("POST", "multipart/form-data; boundary=x")]
    [InlineData("POST", "")]
    [InlineData("PATCH", "text/plain")]
    [InlineData("PATCH", "application/x-www-form-urlencoded")]
    public async Task ABodyNotDeclaredJsonIsRefusedWith415AndChangesNothing(string method, string contentType)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;
        var id = method == "PATCH"
            ? (await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov)).Json.GetProperty("id").GetString()!
            : "";

        var answer = await HttpCall.InvokeAsync(host.Services, method == "POST" ? r => api.Create(r, Ct) : r => api.Update(r, id, Ct), method,
            body: method == "POST" ? Karimov : """{"name":"Changed"}""", contentType: contentType);

        Assert.Equal(415, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Equal("Content-Type", answer.Json.GetProperty("field").GetString());
        Assert.Contains("application/json", answer.Json.GetProperty("detail").GetString());
        var stored = await host.Get<SubscriberStore>().ListAsync(Ct);
        Assert.Equal(method == "POST" ? 0 : 1, stored.Count);
        Assert.All(stored, s => Assert.Equal("Aziz Karimov", s.Name));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    public async Task JsonWithParametersOrAJsonSuffixIsTaken(string contentType)
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov, contentType: contentType);
        var patched = await HttpCall.InvokeAsync(host.Services, r => api.Update(r, "a.karimov@customs.uz.example", Ct), "PATCH",
            body: """{"name":"A. Karimov"}""", contentType: contentType);

        Assert.Equal((201, 200), (created.Status, patched.Status));
    }

    [Fact]
    public async Task TheImportTakesOnlyCsv()
    {
        var (host, api) = await StartAsync(azurite);
        await using var _ = host;

        var json = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST",
            body: "email,name,organization\na@x.example,A,HMRC\n", contentType: "text/plain");

        Assert.Equal(415, json.Status);
        Assert.Equal("Content-Type", json.Json.GetProperty("field").GetString());
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Theory]
    [InlineData(null, "unknown")]
    [InlineData("False", "unknown")]
    [InlineData("True", "user:officer@secretariat.example")]
    [InlineData("true", "user:officer@secretariat.example")]
    public async Task ThePrincipalHeaderIsTheActorOnlyWhenPlatformAuthenticationIsOn(string? platformAuthentication, string actor)
    {
        var (host, api) = await StartAsync(azurite, platformAuthentication);
        await using var _ = host;

        var created = await HttpCall.InvokeAsync(host.Services, r => api.Create(r, Ct), "POST", body: Karimov,
            headers: new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL-NAME"] = "officer@secretariat.example" });

        Assert.Equal(201, created.Status);
        var entry = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(created.Json.GetProperty("id").GetString()!, Ct));
        Assert.Equal(actor, entry.Actor);
    }

    [Theory]
    [InlineData(false, true, "key:ops-script")]
    [InlineData(true, true, "user:officer@secretariat.example")]
    [InlineData(false, false, "unknown")]
    public void WithoutPlatformAuthenticationTheActorIsTheKeyTheHostNamesElseUnknown(bool platformAuthentication, bool keyClaim, string actor)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "officer@secretariat.example";
        if (keyClaim)
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SubscriberApi.KeyIdClaim, "ops-script")], "key"));

        Assert.Equal(actor, SubscriberApi.ActorOf(context.Request, platformAuthentication));
    }
}
