using Microsoft.AspNetCore.Http;
using TypedSockets.Server.EngineIO;

namespace TypedSockets.Server.Tests.EngineIO;

/// <summary>The server reads transport, sid and EIO exactly as Request.Query would give them.</summary>
public sealed class EngineQueryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?EIO=4&transport=websocket")]
    [InlineData("?EIO=4&transport=polling&sid=abc-DEF_123&t=OaB3")]
    [InlineData("?eio=4&TRANSPORT=polling&Sid=x")]
    [InlineData("?transport=polling&transport=websocket")]
    [InlineData("?transport=&sid&EIO=")]
    [InlineData("?sid=a%2Bb%20c+d&transport=web%73ocket&E%49O=4")]
    [InlineData("?&&EIO=4&&transport=polling&")]
    [InlineData("?EIO=3&EIO=4")]
    [InlineData("?%=x&transport=%zz&sid=%")]
    public void ReadQueryMatchesRequestQuery(string queryString)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(queryString);
        var query = context.Request.Query;

        EngineIOServer.ReadQuery(context.Request.QueryString.Value, out var transport, out var sid, out var protocol);

        Assert.Equal(query["transport"], transport);
        Assert.Equal(query["sid"], sid);
        Assert.Equal(query["EIO"], protocol);
        Assert.Equal(query["transport"].Count, transport.Count);
    }
}
