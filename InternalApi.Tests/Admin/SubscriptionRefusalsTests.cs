using InternalApi.Core.Scim;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Functions.Scim;

namespace InternalApi.Tests.Admin;

/// <summary>
/// The edge's one mapping of the subscription and SCIM refusals to GitLab's statuses and exact bodies (each is also
/// seen over HTTP in the area's tests).
/// </summary>
public sealed class SubscriptionRefusalsTests
{
    public static TheoryData<SubscriptionException, int, string> Refusals() => new()
    {
        { SubscriptionException.NamespaceNotFound(), 404, """{"message":"404 Namespace Not Found"}""" },
        { SubscriptionException.NotFound(null), 404, """{"message":"404 Not Found"}""" },
        { SubscriptionException.BadRequest("already excluded"), 400, """{"message":"400 Bad request - already excluded"}""" },
        { SubscriptionException.Forbidden("This API is gitlab.com only!"), 403, """{"message":"403 Forbidden - This API is gitlab.com only!"}""" },
        { SubscriptionException.Validation("seats", "can't be blank"), 400, """{"message":{"seats":["can't be blank"]}}""" },
        { SubscriptionException.ServiceError("Namespace must exist"), 400, """{"message":{"error":"Namespace must exist"}}""" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_Subscription_Refusal_Is_Gitlabs_Status_And_Body(SubscriptionException refusal, int status, string body)
    {
        var error = SubscriptionRefusals.Error(refusal);

        Assert.Equal(status, error.Status);
        Assert.Equal(body, error.Body.ToJsonString(InternalApi.Functions.Hosting.WireJsonOptions.Create()));
    }

    [Theory]
    [InlineData(ScimErrorKind.NotFound, 404)]
    [InlineData(ScimErrorKind.Conflict, 409)]
    [InlineData(ScimErrorKind.Refused, 412)]
    public void Each_Scim_Error_Kind_Is_Gitlabs_Status_In_The_Scim_Error_Object(ScimErrorKind kind, int status)
    {
        var error = ScimHttp.Refusal(new ScimException(kind, "detail"));

        Assert.Equal(status, error.Status);
        Assert.Equal(
            $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"detail","status":{{status}}}""",
            error.Body.ToJsonString());
    }
}
