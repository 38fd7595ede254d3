// An SMSC on the npm smpp package: accepts any bind, answers submit_sm with message_id node-<n>, and after the
// first submit_sm sends a deliver_sm back over the same session. Prints one line per event for the Java test.
'use strict';
const smpp = require('smpp');

const port = Number(process.argv[2]);
let messages = 0;

function text(pdu) {
	return pdu.short_message && pdu.short_message.message !== undefined ? pdu.short_message.message : String(pdu.short_message);
}

const server = smpp.createServer(session => {
	for (const bind of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
		session.on(bind, pdu => {
			console.log(`BIND ${bind} ${pdu.system_id}`);
			session.send(pdu.response());
		});
	}
	session.on('enquire_link', pdu => session.send(pdu.response()));
	session.on('unbind', pdu => {
		session.send(pdu.response());
		session.close();
	});
	session.on('submit_sm', pdu => {
		messages += 1;
		console.log(`SUBMIT_SM ${pdu.destination_addr} ${text(pdu)}`);
		session.send(pdu.response({ message_id: `node-${messages}` }));
		if (messages === 1) {
			session.deliver_sm({ source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, short_message: 'reply from node smsc' },
				resp => console.log(`DELIVER_SM_RESP ${resp.command_status}`));
		}
	});
	session.on('error', error => console.log(`ERROR ${error.message}`));
});
server.listen(port, '127.0.0.1', () => console.log(`LISTENING ${port}`));
