// The official socket.io JavaScript client (from node_modules, pinned in package-lock.json)
// speaking the contract: connect with a token, join with since, chat with client_id (sent
// twice), raise a hand, and a refusal. Prints one JSON line with what it saw.
const { io } = require("socket.io-client");
const [url, token, cid, transport] = process.argv.slice(2);
const out = { events: [] };
const socket = io(url, { auth: { token }, transports: [transport], reconnection: false, timeout: 8000 });
const done = (extra) => { Object.assign(out, extra); console.log(JSON.stringify(out)); socket.close(); process.exit(0); };
setTimeout(() => done({ error: "timeout" }), 15000);
socket.on("connect_error", (err) => done({ connect_error: err.message }));
socket.on("room:event", (ev) => out.events.push(ev));
socket.on("connect", async () => {
  out.transport = socket.io.engine.transport.name;
  const id = Number(cid);
  out.join = await socket.timeout(8000).emitWithAck("room:join", { consultation_id: id, since: 0 });
  out.chat = await socket.timeout(8000).emitWithAck("chat:send", { consultation_id: id, text: "from the JS client", client_id: "js-1" });
  out.chat_again = await socket.timeout(8000).emitWithAck("chat:send", { consultation_id: id, text: "from the JS client", client_id: "js-1" });
  out.hand = await socket.timeout(8000).emitWithAck("hand:raise", { consultation_id: id });
  out.bad = await socket.timeout(8000).emitWithAck("chat:send", { consultation_id: "x" });
  out.unknown_room = await socket.timeout(8000).emitWithAck("room:join", { consultation_id: 999999 });
  setTimeout(() => done({}), 500);
});
