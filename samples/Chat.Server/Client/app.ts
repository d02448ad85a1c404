// The chat page, typed by the contracts (../../Chat.Contracts/chat-contracts.ts, generated from IChatService /
// IChatFeed): the build type-checks it with tsc --strict and bundles it with esbuild into wwwroot/app.js, so a contract
// change that breaks the page fails `dotnet build`. Talks to the server with the official socket.io-client browser
// bundle (lib/socket.io.min.js, the global `io`). User text is only ever put in the page through textContent.
import type { io as connect } from 'socket.io-client';
import {
  isSocketError,
  type ChatReply, type ChatRoomSocket, type RoomMessage, type RoomNotice, type RoomSnapshot, type RoomSummary,
  type SocketError,
} from '../../Chat.Contracts/chat-contracts';

/** The global of lib/socket.io.min.js. */
declare const io: typeof connect;

(() => {
  function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
    const element = document.getElementById(id);
    if (!(element instanceof type)) {
      throw new Error(`The page has no ${type.name} #${id}.`);
    }

    return element;
  }

  const ui = {
    status: byId('status', HTMLElement), me: byId('me', HTMLElement),
    login: byId('login', HTMLElement), loginForm: byId('login-form', HTMLFormElement),
    username: byId('username', HTMLInputElement), loginError: byId('login-error', HTMLElement),
    chat: byId('chat', HTMLElement), rooms: byId('rooms', HTMLUListElement), newRoom: byId('new-room', HTMLFormElement),
    newRoomName: byId('new-room-name', HTMLInputElement), users: byId('users', HTMLUListElement),
    usersRoom: byId('users-room', HTMLElement), roomTitle: byId('room-title', HTMLElement),
    leave: byId('leave', HTMLButtonElement), messages: byId('messages', HTMLOListElement), typing: byId('typing', HTMLElement),
    composer: byId('composer', HTMLFormElement), messageInput: byId('message-input', HTMLInputElement),
    composerError: byId('composer-error', HTMLElement),
  };

  const REQUEST_TIMEOUT_MS = 5000;
  const TYPING_REFRESH_MS = 2000; // resend "typing" at most this often while the user types
  const TYPING_IDLE_MS = 3000;    // then say "stopped" after this long without a keystroke
  const TYPING_EXPIRY_MS = 5000;  // forget someone else's typing after this long without news (the event is volatile)

  const state = {
    username: null as string | null,    // signed in as
    wantedName: null as string | null,  // the name to sign in again with after a reconnection
    defaultRoom: null as string | null,
    room: null as string | null,
    seen: new Set<number>(),            // message ids shown in the current room
    typers: new Map<string, number>(),  // user -> expiry timer
    typingSentAt: 0,
    typingStopTimer: 0,
    attempt: 0,                         // the current reconnection attempt, 0 when connected
  };

  const socket: ChatRoomSocket = io({ reconnectionDelayMax: 5000 });

  // ---- Connection status ------------------------------------------------------------------------------------------

  function setStatus(kind: string, text: string): void {
    ui.status.dataset.state = kind;
    ui.status.textContent = text;
  }

  socket.on('connect', () => {
    state.attempt = 0;
    setStatus('connected', 'Connected');
    if (state.wantedName) {
      login(state.wantedName, state.room);
    }
  });

  // While the connection is down, the chat stays on screen (dimmed) but takes no input.
  function setOnline(online: boolean): void {
    ui.chat.classList.toggle('offline', !online);
    for (const control of ui.chat.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')) {
      control.disabled = !online;
    }
  }

  socket.on('disconnect', (reason) => {
    clearTypers();
    setOnline(false);
    state.username = null;
    if (reason === 'io server disconnect') {
      setStatus('disconnected', 'Disconnected by the server');
    } else {
      setStatus('reconnecting', 'Connection lost: reconnecting…');
    }
  });

  socket.on('connect_error', () => {
    if (!socket.active) {
      setStatus('disconnected', 'Cannot connect');
    } else if (state.attempt > 0) {
      setStatus('reconnecting', `Reconnecting… (attempt ${state.attempt})`);
    } else {
      setStatus('reconnecting', 'Cannot reach the server: retrying…');
    }
  });

  socket.io.on('reconnect_attempt', (attempt) => {
    state.attempt = attempt;
    setStatus('reconnecting', `Reconnecting… (attempt ${attempt})`);
  });
  socket.io.on('reconnect_failed', () => setStatus('disconnected', 'Could not reconnect'));

  type TimedSocket = ReturnType<ChatRoomSocket['timeout']>;

  // Every request is acknowledged with a ChatReply, or with a SocketError when the server's handler failed.
  async function request(send: (timed: TimedSocket) => Promise<ChatReply | SocketError>): Promise<ChatReply> {
    let reply: ChatReply | SocketError;
    try {
      reply = await send(socket.timeout(REQUEST_TIMEOUT_MS));
    } catch {
      return { ok: false, error: 'The server did not answer in time.' };
    }

    return isSocketError(reply) ? { ok: false, error: reply.error.message } : reply;
  }

  // ---- Signing in -------------------------------------------------------------------------------------------------

  ui.loginForm.addEventListener('submit', (e) => {
    e.preventDefault();
    login(ui.username.value, null);
  });

  async function login(name: string, roomToRestore: string | null): Promise<void> {
    ui.loginError.textContent = '';
    const reply = await request((s) => s.emitWithAck('login', { username: name }));
    if (!reply.ok || !reply.username || !reply.room || !reply.rooms) {
      state.wantedName = null;
      showLogin(reply.error);
      return;
    }

    state.username = reply.username;
    state.wantedName = reply.username;
    state.defaultRoom = reply.room.name;
    ui.me.textContent = `Signed in as ${reply.username}`;
    ui.login.hidden = true;
    ui.chat.hidden = false;
    setOnline(true);
    renderRooms(reply.rooms);
    enterRoom(reply.room);
    ui.messageInput.focus();
    if (roomToRestore && roomToRestore !== reply.room.name) {
      join(roomToRestore);
    }
  }

  function showLogin(error: string | null | undefined): void {
    ui.chat.hidden = true;
    ui.login.hidden = false;
    ui.me.textContent = '';
    ui.loginError.textContent = error || '';
    ui.username.focus();
  }

  // ---- Rooms ------------------------------------------------------------------------------------------------------

  async function join(room: string): Promise<boolean> {
    ui.composerError.textContent = '';
    const reply = await request((s) => s.emitWithAck('join', { room }));
    if (!reply.ok || !reply.room || !reply.rooms) {
      ui.composerError.textContent = reply.error ?? 'Could not join the room.';
      return false;
    }

    enterRoom(reply.room);
    renderRooms(reply.rooms);
    return true;
  }

  ui.newRoom.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (await join(ui.newRoomName.value)) {
      ui.newRoomName.value = '';
    }
  });

  ui.leave.addEventListener('click', async () => {
    const reply = await request((s) => s.emitWithAck('leave'));
    if (!reply.ok || !reply.room || !reply.rooms) {
      ui.composerError.textContent = reply.error ?? 'Could not leave the room.';
      return;
    }

    enterRoom(reply.room);
    renderRooms(reply.rooms);
  });

  function enterRoom(snapshot: RoomSnapshot): void {
    stopTyping();
    clearTypers();
    state.room = snapshot.name;
    state.seen.clear();
    ui.messages.replaceChildren();
    ui.roomTitle.textContent = `#${snapshot.name}`;
    ui.usersRoom.textContent = `#${snapshot.name}`;
    ui.messageInput.placeholder = `Message #${snapshot.name}`;
    ui.leave.hidden = snapshot.name === state.defaultRoom;
    for (const message of snapshot.history) {
      addMessage(message);
    }

    renderUsers(snapshot.users);
    markCurrentRoom();
  }

  function renderRooms(rooms: RoomSummary[]): void {
    const items = rooms.map((room) => {
      const li = document.createElement('li');
      li.dataset.room = room.name;
      const button = document.createElement('button');
      button.type = 'button';
      const name = document.createElement('span');
      name.textContent = `#${room.name}`;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(room.userCount);
      button.append(name, count);
      button.addEventListener('click', () => {
        if (room.name !== state.room) {
          join(room.name);
        }
      });
      li.append(button);
      return li;
    });
    ui.rooms.replaceChildren(...items);
    markCurrentRoom();
  }

  function markCurrentRoom() {
    for (const li of ui.rooms.querySelectorAll('li')) {
      li.classList.toggle('current', li.dataset.room === state.room);
    }
  }

  function renderUsers(users: string[]): void {
    ui.users.replaceChildren(...users.map((user) => {
      const li = document.createElement('li');
      li.textContent = user;
      li.classList.toggle('me', user === state.username);
      return li;
    }));
  }

  socket.on('rooms', (list) => renderRooms(list.rooms));
  socket.on('users', (update) => {
    if (update.room === state.room) {
      renderUsers(update.users);
    }
  });

  // ---- Messages ---------------------------------------------------------------------------------------------------

  function isNearBottom(): boolean {
    return ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 60;
  }

  function append(li: HTMLLIElement, key?: number): void {
    const stick = isNearBottom();
    // Keep messages in id order even when a reply and a broadcast cross.
    let before: HTMLLIElement | null = null;
    if (key !== undefined) {
      for (const other of ui.messages.querySelectorAll('li')) {
        if (other.dataset.id !== undefined && Number(other.dataset.id) > key) {
          before = other;
          break;
        }
      }
    }

    ui.messages.insertBefore(li, before);
    if (stick) {
      ui.messages.scrollTop = ui.messages.scrollHeight;
    }
  }

  function addMessage(message: RoomMessage): void {
    if (message.room !== state.room || state.seen.has(message.id)) {
      return;
    }

    state.seen.add(message.id);
    const li = document.createElement('li');
    li.className = message.user === state.username ? 'message mine' : 'message';
    li.dataset.id = String(message.id);
    const meta = document.createElement('div');
    meta.className = 'meta';
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = message.user;
    const time = document.createElement('time');
    const at = new Date(message.timestamp);
    time.dateTime = at.toISOString();
    time.textContent = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.append(author, time);
    const text = document.createElement('p');
    text.className = 'text';
    text.textContent = message.text;
    li.append(meta, text);
    append(li, message.id);
  }

  function addNotice(notice: RoomNotice): void {
    const li = document.createElement('li');
    li.className = 'notice';
    li.textContent = `${notice.user} ${notice.kind === 'joined' ? 'joined' : 'left'} #${notice.room}`;
    append(li);
  }

  socket.on('message', (message) => {
    removeTyper(message.user);
    addMessage(message);
  });

  socket.on('notice', (notice) => {
    if (notice.room !== state.room) {
      return;
    }

    if (notice.kind === 'left') {
      removeTyper(notice.user);
    }

    addNotice(notice);
  });

  ui.composer.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = ui.messageInput.value.trim();
    if (!text) {
      return;
    }

    stopTyping();
    ui.composerError.textContent = '';
    ui.messageInput.value = '';
    const reply = await request((s) => s.emitWithAck('message', { text }));
    if (!reply.ok || !reply.message) {
      ui.composerError.textContent = reply.error ?? 'The message was not sent.';
      if (!ui.messageInput.value) {
        ui.messageInput.value = text;
      }

      return;
    }

    addMessage(reply.message);
  });

  // ---- Typing indicator -------------------------------------------------------------------------------------------

  ui.messageInput.addEventListener('input', () => {
    if (!state.username) {
      return;
    }

    const now = Date.now();
    if (now - state.typingSentAt > TYPING_REFRESH_MS) {
      state.typingSentAt = now;
      socket.emit('typing', { isTyping: true });
    }

    clearTimeout(state.typingStopTimer);
    state.typingStopTimer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  });

  function stopTyping(): void {
    clearTimeout(state.typingStopTimer);
    if (state.typingSentAt !== 0 && socket.connected) {
      socket.emit('typing', { isTyping: false });
    }

    state.typingSentAt = 0;
  }

  socket.on('typing', (notice) => {
    if (notice.room !== state.room || notice.user === state.username) {
      return;
    }

    if (notice.isTyping) {
      clearTimeout(state.typers.get(notice.user));
      state.typers.set(notice.user, window.setTimeout(() => removeTyper(notice.user), TYPING_EXPIRY_MS));
      renderTypers();
    } else {
      removeTyper(notice.user);
    }
  });

  function removeTyper(user: string): void {
    if (state.typers.has(user)) {
      clearTimeout(state.typers.get(user));
      state.typers.delete(user);
      renderTypers();
    }
  }

  function clearTypers(): void {
    for (const timer of state.typers.values()) {
      clearTimeout(timer);
    }

    state.typers.clear();
    renderTypers();
  }

  function renderTypers(): void {
    const names = [...state.typers.keys()].sort();
    let text = '';
    if (names.length === 1) {
      text = `${names[0]} is typing…`;
    } else if (names.length === 2) {
      text = `${names[0]} and ${names[1]} are typing…`;
    } else if (names.length > 2) {
      text = 'Several people are typing…';
    }

    ui.typing.textContent = text;
  }
})();
