using System.Net;
using System.Security.Cryptography;
using InternalApi.Tests.Admin;

namespace InternalApi.Tests.CustomersDot;

[Collection("customersdot")]
public sealed class CustomersDotAuthTests(CustomersDotFixture fixture)
{
    private const string Unauthorized = """{"message":"401 Unauthorized"}""";

    private async Task<string> SubscriptionPathAsync()
    {
        var group = await fixture.GroupAsync();
        return $"/api/v4/internal/gitlab_subscriptions/namespaces/{group.Id}/gitlab_subscription";
    }

    [Fact]
    public async Task The_Internal_Route_Answers_The_Subscription_As_The_Deprecated_Route_Does()
    {
        var group = await fixture.GroupAsync();
        var created = await fixture.SendAsync(HttpMethod.Post, $"/api/v4/internal/gitlab_subscriptions/namespaces/{group.Id}/gitlab_subscription",
            new { start_date = "2024-01-01", end_date = "2099-01-01", plan_code = "premium", seats = 10 });
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var current = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/gitlab_subscriptions/namespaces/{group.Id}/gitlab_subscription");
        var deprecated = await AdminFixture.SendAsync(fixture.App, HttpMethod.Get, $"/api/v4/namespaces/{group.Id}/gitlab_subscription", CustomersDotFixture.AdminToken);
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.Equal((deprecated.Status, deprecated.Body), (current.Status, current.Body));
        Assert.Equal("premium", (string?)CustomersDotFixture.Json(current.Body)["plan"]!["code"]);
        Assert.Equal(10, (int)CustomersDotFixture.Json(current.Body)["usage"]!["seats_in_subscription"]!);
    }

    public static TheoryData<string> RefusedTokens => ["audience", "subject", "issuer", "signature", "expired", "none", "hs256", "garbage", "unknown kid"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_Token_That_Fails_Any_Check_Is_401(string kind)
    {
        var issuer = fixture.Issuer;
        using var stranger = RSA.Create(2048);
        var token = kind switch
        {
            "audience" => issuer.Token(audience: "gitlab"),
            "subject" => issuer.Token(subject: "someone-else"),
            "issuer" => issuer.Token(issuer: "https://customers.example.com"),
            "signature" => issuer.Token(signWith: stranger),
            "expired" => issuer.Token(expires: DateTime.UtcNow.AddMinutes(-1)),
            "none" => issuer.UnsignedToken(),
            "hs256" => issuer.PublicKeyHmacToken(),
            "unknown kid" => issuer.Token(kid: issuer.NewKey()),
            _ => "not-a-jwt",
        };

        var answer = await fixture.SendAsync(HttpMethod.Get, await SubscriptionPathAsync(), jwt: token);
        Assert.Equal((HttpStatusCode.Unauthorized, Unauthorized), (answer.Status, answer.Body));
    }

    [Fact]
    public async Task Keys_Rotate_Without_A_Restart_And_A_Withdrawn_Key_Is_Refused_Once_Refetched()
    {
        var issuer = fixture.Issuer;
        var path = await SubscriptionPathAsync();
        var old = issuer.CurrentKey;
        var oldToken = issuer.Token(kid: old);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, jwt: oldToken)).Status);

        // The portal publishes a new key and withdraws the old one; the app has the old JWKS cached.
        var next = issuer.NewKey();
        issuer.Publish(next);
        issuer.Withdraw(old);
        var fetches = issuer.JwksFetches;

        // A token with the new kid makes the app fetch the keys again, and is accepted.
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, jwt: issuer.Token(kid: next))).Status);
        Assert.True(issuer.JwksFetches > fetches);

        // The old key is gone from the keys fetched: a token signed with it (still unexpired) is refused.
        var refused = await fixture.SendAsync(HttpMethod.Get, path, jwt: oldToken);
        Assert.Equal((HttpStatusCode.Unauthorized, Unauthorized), (refused.Status, refused.Body));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, jwt: issuer.Token(kid: next))).Status);
    }

    [Fact]
    public async Task While_The_Issuer_Cannot_Be_Reached_The_Answer_Is_503_With_Retry_After()
    {
        var answer = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/gitlab_subscriptions/users/1", app: fixture.IssuerDown);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, """{"message":"503 Service Unavailable"}"""), (answer.Status, answer.Body));
        Assert.NotNull(answer.Response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Without_A_Discovery_Url_Every_Token_Is_401_And_The_App_Said_So_At_Start()
    {
        var answer = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/gitlab_subscriptions/users/1", app: fixture.Unconfigured);
        Assert.Equal((HttpStatusCode.Unauthorized, Unauthorized), (answer.Status, answer.Body));
        Assert.Single(fixture.Unconfigured.Logs.Entries, e => e.EventId.Id == 1126);
        Assert.DoesNotContain(fixture.App.Logs.Entries, e => e.EventId.Id == 1126);
    }

    [Fact]
    public async Task Without_The_Header_An_Administrators_Token_Is_Taken_As_GitLab_Still_Does()
    {
        var path = await SubscriptionPathAsync();
        var admin = await CustomersDotFixture.RawAsync(fixture.App, HttpMethod.Get, path, null, [("PRIVATE-TOKEN", CustomersDotFixture.AdminToken)]);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        var user = await CustomersDotFixture.RawAsync(fixture.App, HttpMethod.Get, path, null, [("PRIVATE-TOKEN", CustomersDotFixture.UserToken)]);
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden"}"""), (user.Status, user.Body));
        var none = await CustomersDotFixture.RawAsync(fixture.App, HttpMethod.Get, path, null, []);
        Assert.Equal((HttpStatusCode.Unauthorized, Unauthorized), (none.Status, none.Body));

        // A bad JWT is not rescued by a good admin token: the JWT alone decides.
        var both = await CustomersDotFixture.RawAsync(fixture.App, HttpMethod.Get, path, null,
            [("PRIVATE-TOKEN", CustomersDotFixture.AdminToken), ("X-Customers-Dot-Internal-Token", fixture.Issuer.Token(audience: "other"))]);
        Assert.Equal(HttpStatusCode.Unauthorized, both.Status);
    }

    [Fact]
    public async Task Tokens_Are_Never_Logged()
    {
        var refused = fixture.Issuer.Token(audience: "other");
        var accepted = fixture.Issuer.Token();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/gitlab_subscriptions/users/1", jwt: refused)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/gitlab_subscriptions/users/1", jwt: accepted)).Status);
        foreach (var token in new[] { refused, accepted })
        {
            var signature = token.Split('.')[2];
            Assert.DoesNotContain(fixture.App.Logs.Entries, e => e.AllText.Contains(signature, StringComparison.Ordinal));
        }
    }
}
