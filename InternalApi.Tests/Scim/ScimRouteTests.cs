using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http;

namespace InternalApi.Tests.Scim;

/// <summary>
/// How the SCIM auth kinds read a request when no routing ran (the worker under the Functions host): the group
/// path from the URL path, the token from the header or the query.
/// </summary>
public sealed class ScimRouteTests
{
    [Theory]
    [InlineData("/api/scim/v2/groups/acme/Users", "acme")]
    [InlineData("/gitlab/api/scim/v2/groups/top%2Fsub/Users/a/b", "top/sub")]
    [InlineData("/api/scim/v2/groups/top%2fsub", "top/sub")]
    [InlineData("/api/scim/v2/application/Users", "")]
    public void The_Group_Path_Comes_From_The_Url_Path_Without_Routing(string path, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        Assert.Equal(expected, ScimScopeContext.GroupPath(context));
    }

    [Theory]
    [InlineData("Bearer abc", "", "abc")]
    [InlineData("bearer  abc ", "", "abc")]
    [InlineData(null, "?access_token=q1", "q1")]
    [InlineData(null, "?bearer_token=q2", "q2")]
    [InlineData("Basic dXNlcjpwdw==", "", null)]
    public void The_Token_Comes_From_The_Bearer_Header_Or_The_Query(string? authorization, string query, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        Assert.Equal(expected, ScimScopeContext.Token(context.Request));
    }
}
