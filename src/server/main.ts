/** The cargo-units language server process: one `CargoUnitsServer` on an LSP connection. */
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { bundledCli, CargoUnitsServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
new CargoUnitsServer(connection, documents, bundledCli(__dirname));
documents.listen(connection);
connection.listen();
