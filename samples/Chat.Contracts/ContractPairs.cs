using Chat.Contracts;
using TypedSockets;

// The connections of the chat, for the generated TypeScript (chat-contracts.ts): ChatRoomSocket is what the page of
// Chat.Server uses (IChatService / IChatFeed), ChatSocket the smaller pair the typed hub tests use.
[assembly: SocketContractPair("ChatRoom", typeof(IChatService), typeof(IChatFeed))]
[assembly: SocketContractPair("Chat", typeof(IChatServer), typeof(IChatClient))]
