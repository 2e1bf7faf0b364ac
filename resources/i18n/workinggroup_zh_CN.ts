<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountPicker</name>
    <message>
        <source>Type a name or user name…</source>
        <translation>输入姓名或用户名…</translation>
    </message>
    <message>
        <source>%1 — me</source>
        <translation>%1 — 我</translation>
    </message>
    <message>
        <source>%1 — disabled</source>
        <translation>%1 — 已停用</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation>姓名(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>角色(&amp;R):</translation>
    </message>
    <message>
        <source>First &amp;password:</source>
        <translation>初始密码(&amp;P):</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>The administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>The administrator adds the other users and gives them their roles. You are signed in with this account when the set-up is done.</source>
        <translation>由管理员添加其他用户并分配角色。设置完成后，您将以此账户登录。</translation>
    </message>
    <message numerus="yes">
        <source>At least %n characters, not containing the user name.</source>
        <translation>
            <numerusform>至少 %n 个字符，且不得包含用户名。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U):</translation>
    </message>
    <message>
        <source>Full na&amp;me:</source>
        <translation>姓名(&amp;M):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P):</translation>
    </message>
    <message>
        <source>&amp;Repeat password:</source>
        <translation>再次输入密码(&amp;R):</translation>
    </message>
    <message>
        <source>This is the demo database: invented records for trying the application. The account you create now exists only in the demo database; choose any user name and a password you will remember for the next demo start.</source>
        <translation>这是演示数据库：其中是供试用本应用程序的虚构记录。您现在创建的账户只存在于演示数据库中；请任选一个用户名，并设置一个下次启动演示时仍记得的密码。</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message numerus="yes">
        <source>A full name has at most %n characters.</source>
        <translation>
            <numerusform>姓名最多 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter a password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>Type the password again.</source>
        <translation>请再次输入密码。</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>When (UTC)</source>
        <translation>时间 (UTC)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变更</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>When (UTC) / field</source>
        <translation>时间 (UTC) / 字段</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>变更前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>变更后</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>AuditViewer</name>
    <message>
        <source>Only managers and administrators can see the audit trail.</source>
        <translation>只有主管和管理员可以查看审计记录。</translation>
    </message>
    <message>
        <source>any user</source>
        <translation>任何用户</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>任何操作</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>任何类型</translation>
    </message>
    <message>
        <source>e.g. REF-2026-0042</source>
        <translation>例如 REF-2026-0042</translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation>清除筛选(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Verify the chain</source>
        <translation>校验链(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>操作(&amp;A):</translation>
    </message>
    <message>
        <source>Record &amp;type:</source>
        <translation>记录类型(&amp;T):</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>起始(&amp;F):</translation>
    </message>
    <message>
        <source>T&amp;o:</source>
        <translation>截止(&amp;O):</translation>
    </message>
    <message>
        <source>&amp;Reference:</source>
        <translation>编号(&amp;R):</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>任意</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message numerus="yes">
        <source>The chain is intact: %n event(s) checked.</source>
        <translation>
            <numerusform>审计链完整：已校验 %n 个事件。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Signed checkpoint %1 (%2) matches; %n event(s) since.</source>
        <translation>
            <numerusform>与已签名的检查点 %1（%2）相符；其后 %n 个事件。</numerusform>
        </translation>
    </message>
    <message>
        <source>The chain is broken at event #%1: %2.</source>
        <translation>审计链在第 %1 号事件处断裂：%2。</translation>
    </message>
</context>
<context>
    <name>AuditViewerDialog</name>
    <message>
        <source>Audit trail</source>
        <translation>审计记录</translation>
    </message>
</context>
<context>
    <name>BulkStatusDialog</name>
    <message>
        <source>Change status</source>
        <translation>更改状态</translation>
    </message>
    <message>
        <source>Change the status of %1 %2 to “%3”?</source>
        <translation>将 %1 条%2的状态改为“%3”？</translation>
    </message>
    <message>
        <source>Why (kept in each record&apos;s history)</source>
        <translation>原因（记入每条记录的历史）</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>说明:</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>结果:</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <source>(%1 answered referrals)</source>
        <translation>（%1 条已答复的移交）</translation>
    </message>
</context>
<context>
    <name>ChildTable</name>
    <message>
        <source>Add {0}</source>
        <translation>添加{0}</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Type to search…</source>
        <translation>输入以搜索…</translation>
    </message>
</context>
<context>
    <name>ColumnsDialog</name>
    <message>
        <source>Columns: %1</source>
        <translation>列：%1</translation>
    </message>
    <message>
        <source>Show these columns:</source>
        <translation>显示以下列:</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Audience:</source>
        <translation>受众:</translation>
    </message>
    <message>
        <source>Internal: every record</source>
        <translation>内部：全部记录</translation>
    </message>
    <message>
        <source>Bilateral: releasable records only</source>
        <translation>双边：仅可对外提供的记录</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export review PDF…</source>
        <translation>导出评估 PDF…</translation>
    </message>
    <message>
        <source>Show them</source>
        <translation>显示这些记录</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Open action items whose owner is your account (a name typed as the counterpart owner does not count).</source>
        <translation>负责人为您的账户的未完成行动事项（作为对方负责人输入的姓名不计在内）。</translation>
    </message>
    <message>
        <source>The list shows a wider set of records: more than %1 cannot be named one by one.</source>
        <translation>列表显示的范围更广：超过 %1 条的记录无法逐一列出。</translation>
    </message>
    <message>
        <source>Median of %1 answered referrals, sent in the last 12 months.</source>
        <translation>过去 12 个月内发出并已答复的 %1 条移交的中位数。</translation>
    </message>
    <message>
        <source>Click to list these records.</source>
        <translation>点击列出这些记录。</translation>
    </message>
    <message>
        <source>Your role may not export a review for this audience.</source>
        <translation>您的角色无权为该受众导出评估报告。</translation>
    </message>
    <message>
        <source>Refreshing…</source>
        <translation>正在刷新…</translation>
    </message>
    <message>
        <source>As of %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>Since your last visit on %1, %2 of your action items became overdue (%3 in all).</source>
        <translation>自您上次于 %1 访问以来，您有 %2 项行动事项已逾期（共 %3 项）。</translation>
    </message>
    <message>
        <source>Since your last visit on %1, %3 action items became overdue (none of them yours).</source>
        <translation>自您上次于 %1 访问以来，有 %3 项行动事项已逾期（均非您负责）。</translation>
    </message>
    <message>
        <source>Export review PDF</source>
        <translation>导出评估 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Writing the review PDF…</source>
        <translation>正在生成评估 PDF…</translation>
    </message>
    <message>
        <source>Review written to %1</source>
        <translation>评估报告已保存至 %1</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong that the application did not expect. Your saved work is safe. Please send the details below to your administrator.</source>
        <translation>程序发生了意外错误。您已保存的工作不受影响。请将以下详细信息发送给管理员。</translation>
    </message>
    <message>
        <source>Log file: %1</source>
        <translation>日志文件：%1</translation>
    </message>
    <message>
        <source>Crash report: %1</source>
        <translation>崩溃报告：%1</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详细信息</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation>无法执行该操作</translation>
    </message>
</context>
<context>
    <name>ExchangeDialog</name>
    <message>
        <source>Exchange with the counterpart</source>
        <translation>与对方交换数据</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Your role may not exchange packages with the counterpart.</source>
        <translation>您的角色无权与对方交换数据包。</translation>
    </message>
    <message>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <source>Save public key…</source>
        <translation>保存公钥…</translation>
    </message>
    <message>
        <source>Whose key, e.g. PRC MPS</source>
        <translation>密钥所属方，例如 中方公安部</translation>
    </message>
    <message>
        <source>Public key file (.pem)</source>
        <translation>公钥文件 (.pem)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Public keys (*.pem *.pub)</source>
        <translation>公钥 (*.pem *.pub)</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>This side</source>
        <translation>本方</translation>
    </message>
    <message>
        <source>Name in packages</source>
        <translation>数据包中的名称</translation>
    </message>
    <message>
        <source>Counterpart keys</source>
        <translation>对方密钥</translation>
    </message>
    <message>
        <source>Register a key</source>
        <translation>登记密钥</translation>
    </message>
    <message>
        <source>Only records changed since</source>
        <translation>仅包括此日期后变更的记录</translation>
    </message>
    <message>
        <source>Package file (.zip)</source>
        <translation>数据包文件 (.zip)</translation>
    </message>
    <message>
        <source>Write package</source>
        <translation>生成数据包</translation>
    </message>
    <message>
        <source>Only records marked releasable to the counterpart are written, with the fields shared with them; source grades, notes and internal records stay here.</source>
        <translation>只写入标记为可向对方提供的记录及其共享字段；来源评级、备注和内部记录保留在本地。</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>Package file (.zip) from the counterpart</source>
        <translation>对方提供的数据包文件 (.zip)</translation>
    </message>
    <message>
        <source>Packages (*.zip)</source>
        <translation>数据包 (*.zip)</translation>
    </message>
    <message>
        <source>Verify and preview</source>
        <translation>校验并预览</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Ours | theirs</source>
        <translation>我方 | 对方</translation>
    </message>
    <message>
        <source>Keep ours</source>
        <translation>保留我方版本</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>采用对方版本</translation>
    </message>
    <message>
        <source>Records both sides changed since they last exchanged them.</source>
        <translation>自上次交换以来双方都修改过的记录。</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Save the package as</source>
        <translation>数据包另存为</translation>
    </message>
    <message>
        <source>{0}, key fingerprint {1}</source>
        <translation>{0}，密钥指纹 {1}</translation>
    </message>
    <message>
        <source>Key created. Send the public key to the counterpart and read them its fingerprint by another channel: {0}</source>
        <translation>密钥已创建。请将公钥发送给对方，并通过其他渠道向对方核对其指纹：{0}</translation>
    </message>
    <message>
        <source>Save the public key as</source>
        <translation>公钥另存为</translation>
    </message>
    <message>
        <source>Public key saved: {0}</source>
        <translation>公钥已保存：{0}</translation>
    </message>
    <message>
        <source>Give the key a name and choose its file.</source>
        <translation>请为密钥命名并选择其文件。</translation>
    </message>
    <message>
        <source>Registered {0}. Check its fingerprint with them: {1}</source>
        <translation>已登记 {0}。请与对方核对指纹：{1}</translation>
    </message>
    <message>
        <source>Choose where to save the package.</source>
        <translation>请选择数据包的保存位置。</translation>
    </message>
    <message>
        <source>Writing the package…</source>
        <translation>正在生成数据包…</translation>
    </message>
    <message>
        <source>no records</source>
        <translation>无记录</translation>
    </message>
    <message>
        <source>Wrote {0} records to {1} ({2}).</source>
        <translation>已将 {0} 条记录写入 {1}（{2}）。</translation>
    </message>
    <message>
        <source>Verified: signed by {0}. Nothing is changed until you apply.</source>
        <translation>校验通过：由 {0} 签名。在您点击应用之前不会做任何更改。</translation>
    </message>
    <message>
        <source>Importing the package…</source>
        <translation>正在导入数据包…</translation>
    </message>
    <message>
        <source>Applied.</source>
        <translation>已应用。</translation>
    </message>
    <message>
        <source>{0} conflict(s) wait in the Conflicts tab.</source>
        <translation>“冲突”标签页中有 {0} 个冲突待处理。</translation>
    </message>
    <message>
        <source>From {0}: {1}</source>
        <translation>来自 {0}：{1}</translation>
    </message>
    <message>
        <source>Conflicts ({0})</source>
        <translation>冲突（{0}）</translation>
    </message>
    <message>
        <source>Choose a conflict first.</source>
        <translation>请先选择一个冲突。</translation>
    </message>
    <message>
        <source>Kept our version; it goes to the counterpart with the next package.</source>
        <translation>已保留我方版本；将随下一个数据包发送给对方。</translation>
    </message>
    <message>
        <source>Took the counterpart&apos;s version.</source>
        <translation>已采用对方版本。</translation>
    </message>
    <message>
        <source>Protect key…</source>
        <translation>保护密钥…</translation>
    </message>
    <message>
        <source>For</source>
        <translation>接收方</translation>
    </message>
    <message>
        <source>The package is encrypted to the counterpart&apos;s registered key and to this side&apos;s, and signed with this side&apos;s.</source>
        <translation>交换包加密给对方已登记的公钥和本方公钥，并以本方密钥签名。</translation>
    </message>
    <message>
        <source>The private key is stored without a passphrase: protect it (Protect key…).</source>
        <translation>私钥未设口令保护：请加以保护（保护密钥…）。</translation>
    </message>
    <message>
        <source>The private key is now protected by a passphrase; its fingerprint is unchanged.</source>
        <translation>私钥现已受口令保护；其指纹不变。</translation>
    </message>
    <message>
        <source>Encrypted to: {0}.</source>
        <translation>已加密给：{0}。</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Passphrase of the private key</source>
        <translation>私钥口令</translation>
    </message>
    <message>
        <source>Choose a passphrase of at least {0} characters for this side&apos;s private key. It is asked whenever a package is written or opened; it cannot be recovered.</source>
        <translation>请为本方私钥设置至少 {0} 个字符的口令。每次生成或打开交换包时都需输入；口令遗失后无法找回。</translation>
    </message>
    <message>
        <source>The private key is protected: give its passphrase to use it.</source>
        <translation>私钥受口令保护：请输入口令后使用。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>再次输入口令</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export list: {0}</source>
        <translation>导出列表：{0}</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Excel workbook (XLSX)</source>
        <translation>Excel 工作簿 (XLSX)</translation>
    </message>
    <message>
        <source>Field names (English)</source>
        <translation>字段名（英文）</translation>
    </message>
    <message>
        <source>Chinese labels (中文)</source>
        <translation>中文标签（中文）</translation>
    </message>
    <message>
        <source>Coded values as words (in the header language)</source>
        <translation>代码值显示为文字（使用表头语言）</translation>
    </message>
    <message>
        <source>For the counterpart: releasable records only (audited)</source>
        <translation>提供给对方：仅可对外提供的记录（记入审计）</translation>
    </message>
    <message>
        <source>Your role may not export for the counterpart</source>
        <translation>您的角色无权为对方导出</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Column headers</source>
        <translation>列标题</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>受众</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>The file holds the rows of the list as it is filtered now.</source>
        <translation>文件包含列表按当前筛选条件显示的行。</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export the list as</source>
        <translation>列表导出为</translation>
    </message>
    <message>
        <source>Choose where to save the file.</source>
        <translation>请选择文件的保存位置。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search reference, titles, summaries… (Ctrl+F)</source>
        <translation>搜索编号、标题、摘要…（Ctrl+F）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>任何状态</translation>
    </message>
    <message>
        <source>Open (any)</source>
        <translation>未结（任何）</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>所属方</translation>
    </message>
    <message>
        <source>Both sides</source>
        <translation>双方</translation>
    </message>
    <message>
        <source>Agency (type to search)</source>
        <translation>机构（输入以搜索）</translation>
    </message>
    <message>
        <source>Any owner</source>
        <translation>任何负责人</translation>
    </message>
    <message>
        <source>Owner (type to search; owner:me or owner:NAME in the search box too)</source>
        <translation>负责人（输入以查找；也可在搜索框中输入 owner:me 或 owner:姓名）</translation>
    </message>
    <message>
        <source>Any marking</source>
        <translation>任何标记</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>仅逾期</translation>
    </message>
    <message>
        <source>Awaiting response only</source>
        <translation>仅待答复</translation>
    </message>
    <message>
        <source>Only rows with this date in the range</source>
        <translation>仅显示此日期在范围内的行</translation>
    </message>
    <message>
        <source>Show archived</source>
        <translation>显示已归档</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>More filters</source>
        <translation>更多筛选</translation>
    </message>
    <message>
        <source>Any agency</source>
        <translation>任何机构</translation>
    </message>
    <message>
        <source>no account is named “%1”</source>
        <translation>没有名为“%1”的账户</translation>
    </message>
    <message>
        <source>type at least 3 letters to search</source>
        <translation>至少输入 3 个字母以搜索</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <source>Ready to set up</source>
        <translation>准备设置</translation>
    </message>
    <message>
        <source>Finish writes all of this at once: if anything is refused, nothing is written and you can go back and change it.</source>
        <translation>点击“完成”将一次性写入以上全部内容：如有任何一项被拒绝，则不写入任何内容，您可以返回修改。</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Administrator:</source>
        <translation>管理员：</translation>
    </message>
    <message>
        <source>Office:</source>
        <translation>办公室：</translation>
    </message>
    <message>
        <source>Reference data:</source>
        <translation>参考数据：</translation>
    </message>
    <message>
        <source>The shipped agencies and substances will be loaded.</source>
        <translation>将载入随附的机构与物质。</translation>
    </message>
    <message>
        <source>Not loaded: agencies and substances are added by hand or imported.</source>
        <translation>不载入：机构与物质需手动添加或导入。</translation>
    </message>
    <message>
        <source>Setting up the database…</source>
        <translation>正在设置数据库…</translation>
    </message>
    <message>
        <source>The set-up failed; nothing was written. The details are in the error window and the log.</source>
        <translation>设置失败；未写入任何内容。详细信息见错误窗口和日志。</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Status history</source>
        <translation>状态历史</translation>
    </message>
    <message>
        <source>Changes (audit trail)</source>
        <translation>变更（审计记录）</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>When (UTC)</source>
        <translation>时间 (UTC)</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>本地时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>(releasable to counterpart)</source>
        <translation>（可向对方提供）</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import from a spreadsheet</source>
        <translation>从电子表格导入</translation>
    </message>
    <message>
        <source>Every sheet of a workbook (.xlsx)</source>
        <translation>工作簿的全部工作表（.xlsx）</translation>
    </message>
    <message>
        <source>A .csv or .xlsx file</source>
        <translation>.csv 或 .xlsx 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Read file</source>
        <translation>读取文件</translation>
    </message>
    <message>
        <source>Save a template…</source>
        <translation>保存模板…</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Header in the file</source>
        <translation>文件中的表头</translation>
    </message>
    <message>
        <source>First value</source>
        <translation>首个值</translation>
    </message>
    <message>
        <source>Imports into</source>
        <translation>导入到</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Preview (first rows)</source>
        <translation>预览（前几行）</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>e.g. 5, 7-9</source>
        <translation>例如 5, 7-9</translation>
    </message>
    <message>
        <source>Leave out rows with problems</source>
        <translation>跳过有问题的行</translation>
    </message>
    <message>
        <source>Leave out rows</source>
        <translation>跳过的行</translation>
    </message>
    <message>
        <source>Check (dry run)</source>
        <translation>检查（试运行）</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Your role may not import records</source>
        <translation>您的角色无权导入记录</translation>
    </message>
    <message>
        <source>Choose a spreadsheet</source>
        <translation>选择电子表格</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.xlsx)</source>
        <translation>电子表格 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>Save a template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.csv)</source>
        <translation>电子表格 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Template saved: {0}</source>
        <translation>模板已保存：{0}</translation>
    </message>
    <message>
        <source>Choose a file to import.</source>
        <translation>请选择要导入的文件。</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>(not imported: help or lists)</source>
        <translation>（不导入：说明或取值表）</translation>
    </message>
    <message>
        <source>(not a record type)</source>
        <translation>（不是记录类型）</translation>
    </message>
    <message>
        <source>{0}: {1} sheets to import, {2} rows.</source>
        <translation>{0}：{1} 个工作表待导入，共 {2} 行。</translation>
    </message>
    <message>
        <source>{0}: {1} columns, {2} rows.</source>
        <translation>{0}：{1} 列，{2} 行。</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Rows to leave out: {0}</source>
        <translation>跳过的行：{0}</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
</context>
<context>
    <name>LinkPicker</name>
    <message>
        <source>Type a reference or a name…</source>
        <translation>输入编号或名称…</translation>
    </message>
</context>
<context>
    <name>LinksEditor</name>
    <message>
        <source>Delete removes the selected items</source>
        <translation>按 Delete 键移除所选项</translation>
    </message>
    <message>
        <source>Add: type a reference or a name…</source>
        <translation>添加：输入编号或名称…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>ListView</name>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Remove the dashboard&apos;s filter</source>
        <translation>取消仪表板的筛选</translation>
    </message>
    <message>
        <source>Change status…</source>
        <translation>更改状态…</translation>
    </message>
    <message>
        <source>Reassign…</source>
        <translation>重新指派…</translation>
    </message>
    <message>
        <source>Give the selected rows another owner (%1)</source>
        <translation>为所选行指定其他负责人（%1）</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>New %1 (Ctrl+N)</source>
        <translation>新建%1（Ctrl+N）</translation>
    </message>
    <message>
        <source>Columns…</source>
        <translation>列…</translation>
    </message>
    <message>
        <source>Showing the records of a dashboard figure</source>
        <translation>正在显示仪表板中某一数字的记录</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在计数…</translation>
    </message>
    <message>
        <source>%1 of %2 %3</source>
        <translation>%1 / %2 条%3</translation>
    </message>
    <message>
        <source>dashboard filter</source>
        <translation>仪表板筛选</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Select at most %1 rows</source>
        <translation>最多选择 %1 行</translation>
    </message>
    <message>
        <source>No status change is allowed for all selected rows</source>
        <translation>所选的行无法统一更改状态</translation>
    </message>
    <message>
        <source>Change status</source>
        <translation>更改状态</translation>
    </message>
    <message>
        <source>Not every selected row may move to “%1”.</source>
        <translation>并非所有选中的行都能改为“%1”。</translation>
    </message>
    <message>
        <source>Status not changed</source>
        <translation>状态未更改</translation>
    </message>
    <message>
        <source>No row was changed.</source>
        <translation>没有任何行被更改。</translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation>重新指派</translation>
    </message>
</context>
<context>
    <name>LocationPage</name>
    <message>
        <source>Where the data lives</source>
        <translation>数据存放位置</translation>
    </message>
    <message>
        <source>One person on one computer: a database file in your data folder. A team: a shared PostgreSQL server that everyone&apos;s application connects to.</source>
        <translation>一人一机：使用您数据文件夹中的数据库文件。团队：使用共享的 PostgreSQL 服务器，每个人的应用程序都连接到它。</translation>
    </message>
    <message>
        <source>A database file on &amp;this computer</source>
        <translation>本机上的数据库文件(&amp;T)</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>选择(&amp;H)…</translation>
    </message>
    <message>
        <source>The usual place, in your data folder (the file is created if it is not there):</source>
        <translation>通常的位置，在您的数据文件夹中（文件不存在时将自动创建）：</translation>
    </message>
    <message>
        <source>A shared PostgreSQL &amp;server</source>
        <translation>共享的 PostgreSQL 服务器(&amp;S)</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Test &amp;connection</source>
        <translation>测试连接(&amp;C)</translation>
    </message>
    <message>
        <source>Ask your administrator for the address. It is kept in this computer&apos;s settings for the next start, password included; leave the password out of the address to use a ~/.pgpass file instead.</source>
        <translation>请向管理员索取地址。地址（包括其中的密码）会保存在本机设置中，供下次启动使用；如不想保存密码，可在地址中省略密码，改用 ~/.pgpass 文件。</translation>
    </message>
    <message>
        <source>Choose the database file.</source>
        <translation>请选择数据库文件。</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address.</source>
        <translation>请输入服务器地址。</translation>
    </message>
    <message>
        <source>A server&apos;s address goes in the box below, under the server.</source>
        <translation>服务器地址请填写在下方服务器一栏中。</translation>
    </message>
    <message>
        <source>A server&apos;s address starts with postgresql://, for example postgresql://user@server:5432/workinggroup.</source>
        <translation>服务器地址以 postgresql:// 开头，例如 postgresql://user@server:5432/workinggroup。</translation>
    </message>
    <message>
        <source>Database files (*.sqlite3 *.db);;All files (*)</source>
        <translation>数据库文件 (*.sqlite3 *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Trying the connection…</source>
        <translation>正在尝试连接…</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>The session was locked after a period without use. {name} ({user}): enter your password to continue. Unsaved work is kept.</source>
        <translation>由于一段时间未操作，会话已锁定。{name}（{user}）：请输入密码继续。未保存的工作将保留。</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Counternarcotics Working Group</source>
        <translation>禁毒工作组</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>The database cannot be opened</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>To open another database, start the application with --database-url followed by a file or a server address.</source>
        <translation>如需打开其他数据库，请在启动应用程序时使用 --database-url，后接文件路径或服务器地址。</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Loading the demo data…</source>
        <translation>正在载入演示数据…</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <source>&amp;New record</source>
        <translation>新建记录(&amp;N)</translation>
    </message>
    <message>
        <source>Create a record of the kind shown in the list (Ctrl+N)</source>
        <translation>新建列表中所示类型的记录（Ctrl+N）</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the record in the current tab (Ctrl+S)</source>
        <translation>保存当前标签页中的记录（Ctrl+S）</translation>
    </message>
    <message>
        <source>&amp;Close record</source>
        <translation>关闭记录(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Search in &amp;list</source>
        <translation>在列表中搜索(&amp;L)</translation>
    </message>
    <message>
        <source>Filter the current list by text (Ctrl+F)</source>
        <translation>按文字筛选当前列表（Ctrl+F）</translation>
    </message>
    <message>
        <source>&amp;Global search…</source>
        <translation>全局搜索(&amp;G)…</translation>
    </message>
    <message>
        <source>Search every kind of record (Ctrl+K)</source>
        <translation>搜索所有类型的记录（Ctrl+K）</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Read the current list again (F5)</source>
        <translation>重新读取当前列表（F5）</translation>
    </message>
    <message>
        <source>&amp;Columns…</source>
        <translation>列(&amp;C)…</translation>
    </message>
    <message>
        <source>Choose the columns of the current list</source>
        <translation>选择当前列表显示的列</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Export list…</source>
        <translation>导出列表(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the current list, as filtered, to CSV or Excel (Ctrl+E)</source>
        <translation>将当前列表按现有筛选保存为 CSV 或 Excel 文件（Ctrl+E）</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>Add records from a spreadsheet</source>
        <translation>从电子表格添加记录</translation>
    </message>
    <message>
        <source>E&amp;xchange packages…</source>
        <translation>交换数据包(&amp;X)…</translation>
    </message>
    <message>
        <source>Send or receive a signed package of records with the counterpart</source>
        <translation>与对方发送或接收经签名的记录数据包</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Audit trail…</source>
        <translation>审计记录(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation>用户(&amp;U)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Counternarcotics Working Group — %1</source>
        <translation>禁毒工作组 — %1</translation>
    </message>
    <message>
        <source>New %1</source>
        <translation>新建%1</translation>
    </message>
    <message>
        <source>(none open)</source>
        <translation>（未打开）</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Counternarcotics Working Group case manager</source>
        <translation>禁毒工作组案件管理系统</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used the next time the application starts.</source>
        <translation>新语言将在下次启动程序时生效。</translation>
    </message>
</context>
<context>
    <name>MeetingExtension</name>
    <message>
        <source>Export packet…</source>
        <translation>导出会议材料…</translation>
    </message>
    <message>
        <source>Write the meeting packet as a PDF</source>
        <translation>将会议材料导出为 PDF</translation>
    </message>
    <message>
        <source>Attendees, agenda, decisions</source>
        <translation>出席人员、议程、决定</translation>
    </message>
</context>
<context>
    <name>OfficePage</name>
    <message>
        <source>The office</source>
        <translation>办公室</translation>
    </message>
    <message>
        <source>Which side of the working group this installation belongs to, the office&apos;s name as packets and exchange packages show it, and how new records start.</source>
        <translation>本安装属于工作组的哪一方、会议材料和交换数据包中显示的办公室名称，以及新记录的初始设置。</translation>
    </message>
    <message>
        <source>A releasable record may go to the counterpart in packets and exchange packages; a US-only record never leaves this side. Each record can be changed; this is only where new ones start.</source>
        <translation>可向对方提供的记录可以出现在会议材料和交换数据包中；仅限美方的记录绝不离开本方。每条记录都可以单独更改；这里只决定新记录的初始值。</translation>
    </message>
    <message>
        <source>&amp;Side:</source>
        <translation>所属方(&amp;S):</translation>
    </message>
    <message>
        <source>&amp;Office name:</source>
        <translation>办公室名称(&amp;O):</translation>
    </message>
    <message>
        <source>Default r&amp;eleasability:</source>
        <translation>默认可提供性(&amp;E):</translation>
    </message>
    <message>
        <source>Enter the office&apos;s name.</source>
        <translation>请输入办公室名称。</translation>
    </message>
</context>
<context>
    <name>OpRunner</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation>无法执行该操作</translation>
    </message>
</context>
<context>
    <name>PacketDialog</name>
    <message>
        <source>Export packet: {0}</source>
        <translation>导出会议材料：{0}</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>受众</translation>
    </message>
    <message>
        <source>Bilateral: only what is releasable to the counterpart</source>
        <translation>双边：仅含可向对方提供的内容</translation>
    </message>
    <message>
        <source>Internal (US only): everything</source>
        <translation>内部（仅限美方）：全部内容</translation>
    </message>
    <message>
        <source>Your role may not export for the counterpart</source>
        <translation>您的角色无权为对方导出</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>This meeting has unsaved changes; the packet shows the saved version.</source>
        <translation>此会议有未保存的更改；会议材料显示已保存的版本。</translation>
    </message>
    <message>
        <source>Save the packet as</source>
        <translation>会议材料另存为</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Choose where to save the packet.</source>
        <translation>请选择会议材料的保存位置。</translation>
    </message>
    <message>
        <source>Writing the packet for {0}…</source>
        <translation>正在生成 {0} 的会议材料…</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Reset the password of %1</source>
        <translation>重置 %1 的密码</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>新密码(&amp;P):</translation>
    </message>
    <message>
        <source>&amp;Repeat:</source>
        <translation>再次输入(&amp;R):</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language of menus, forms, messages and field names</source>
        <translation>菜单、表单、消息和字段名称使用的语言</translation>
    </message>
    <message>
        <source>A new language takes effect the next time the application starts. Open records and unsaved changes stay as they are.</source>
        <translation>新语言将在下次启动程序时生效。已打开的记录和未保存的更改保持不变。</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Without keyboard or mouse input for this long, the window hides the records and asks for the password again; unsaved edits are kept.</source>
        <translation>在此时间内没有键盘或鼠标操作时，窗口将隐藏记录并再次要求输入密码；未保存的编辑会保留。</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L):</translation>
    </message>
    <message>
        <source>Lock when &amp;idle for:</source>
        <translation>空闲多久后锁定(&amp;I)：</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used the next time the application starts. Your open records and unsaved changes are kept.</source>
        <translation>新语言将在下次启动程序时生效。您已打开的记录和未保存的更改将保留。</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <source>Reassign</source>
        <translation>重新指派</translation>
    </message>
    <message>
        <source>Give %1 %2 a new owner:</source>
        <translation>为 %1 项%2指定新的负责人：</translation>
    </message>
    <message>
        <source>No owner account</source>
        <translation>无负责人账户</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>未做任何更改。</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <source>Washington</source>
        <translation>华盛顿</translation>
    </message>
    <message>
        <source>Beijing</source>
        <translation>北京</translation>
    </message>
    <message>
        <source>UTC</source>
        <translation>UTC</translation>
    </message>
    <message>
        <source>Set a date (unchecked: no date)</source>
        <translation>设置日期（不勾选：无日期）</translation>
    </message>
    <message>
        <source>{0}: has a date</source>
        <translation>{0}：有日期</translation>
    </message>
    <message>
        <source>no date</source>
        <translation>无日期</translation>
    </message>
    <message>
        <source>Set a date and time (unchecked: none)</source>
        <translation>设置日期和时间（不勾选：无）</translation>
    </message>
    <message>
        <source>{0}: has a time</source>
        <translation>{0}：有时间</translation>
    </message>
    <message>
        <source>The time zone the time is typed in</source>
        <translation>输入时间所用的时区</translation>
    </message>
    <message>
        <source>An account of this office; type to find a name or user name</source>
        <translation>本办公室的账户；输入姓名或用户名查找</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Reload their version</source>
        <translation>载入对方版本</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Required when releasable to the counterpart</source>
        <translation>可向对方提供时必填</translation>
    </message>
    <message>
        <source>another user</source>
        <translation>其他用户</translation>
    </message>
    <message>
        <source>⚠ Also changed by {0}; their value: {1}</source>
        <translation>⚠ {0} 也修改了此项；其值为：{1}</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>未知时间</translation>
    </message>
    <message>
        <source>Changed by {0} at {1} after you opened it. Reload their version: what you typed is kept, and fields they changed too are marked.</source>
        <translation>您打开后，{0} 于 {1} 修改了此记录。请载入对方版本：您输入的内容将保留，对方也修改过的字段会被标记。</translation>
    </message>
    <message>
        <source>Their version is loaded and your typed text is kept. {0} also changed: {1} (marked ⚠). Check them, then save again.</source>
        <translation>已载入对方版本，您输入的内容已保留。{0} 也修改了：{1}（已用 ⚠ 标记）。请检查后再次保存。</translation>
    </message>
    <message>
        <source>The other user</source>
        <translation>对方用户</translation>
    </message>
    <message>
        <source>Their version is loaded and your typed text is kept; none of your fields were changed by them. Save again to apply your changes.</source>
        <translation>已载入对方版本，您输入的内容已保留；对方未修改您改动的字段。请再次保存以应用您的更改。</translation>
    </message>
</context>
<context>
    <name>RecordListModel</name>
    <message>
        <source>Washington</source>
        <translation>华盛顿</translation>
    </message>
    <message>
        <source>Beijing</source>
        <translation>北京</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>(archived)</source>
        <translation>（已归档）</translation>
    </message>
</context>
<context>
    <name>RecordView</name>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Back to the stored values (Esc)</source>
        <translation>恢复为已保存的值（Esc）</translation>
    </message>
    <message>
        <source>Reassign…</source>
        <translation>重新指派…</translation>
    </message>
    <message>
        <source>Give this record another owner (Ctrl+Shift+O)</source>
        <translation>为此记录指定其他负责人（Ctrl+Shift+O）</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Related</source>
        <translation>相关记录</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>This record no longer exists.</source>
        <translation>此记录已不存在。</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>New {0}</source>
        <translation>新建{0}</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃更改</translation>
    </message>
    <message>
        <source>Discard your changes to {0}?</source>
        <translation>放弃对 {0} 的更改？</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>{0} has changes that are not saved. Save them?</source>
        <translation>{0} 有未保存的更改。是否保存？</translation>
    </message>
</context>
<context>
    <name>ReferencePage</name>
    <message>
        <source>Agencies and substances</source>
        <translation>机构与物质</translation>
    </message>
    <message>
        <source>The application comes with the working group&apos;s agencies and the substances it follows, named in English and Chinese. Load them now and they are ready in every picker; they can be edited later like any record.</source>
        <translation>本应用程序随附工作组的各机构及其关注的物质，均有中英文名称。现在载入，即可在各个选择框中直接使用；之后也可以像其他记录一样编辑。</translation>
    </message>
    <message>
        <source>&amp;Load the shipped agencies and substances</source>
        <translation>载入随附的机构与物质(&amp;L)</translation>
    </message>
    <message>
        <source>%1 agencies and %2 substances (reference data %3).</source>
        <translation>%1 个机构、%2 种物质（参考数据 %3）。</translation>
    </message>
</context>
<context>
    <name>RelatedView</name>
    <message>
        <source>Reference</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>Role of %1</source>
        <translation>%1 的角色</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>角色(&amp;R):</translation>
    </message>
</context>
<context>
    <name>SaveFileDialog</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>The folder {0} does not exist.</source>
        <translation>文件夹 {0} 不存在。</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <source>Search all records</source>
        <translation>搜索全部记录</translation>
    </message>
    <message>
        <source>Reference, title or summary, in English, Chinese or pinyin</source>
        <translation>编号、标题或摘要，可用英文、中文或拼音</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>The search failed; see the log file.</source>
        <translation>搜索失败；请查看日志文件。</translation>
    </message>
    <message>
        <source>%1 found; ↑ ↓ to choose, Enter to open</source>
        <translation>找到 %1 条；按 ↑ ↓ 选择，按 Enter 打开</translation>
    </message>
    <message>
        <source>Nothing found for “%1”</source>
        <translation>未找到与“%1”相关的结果</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Remove the control character (a tab, line break or other invisible character).</source>
        <translation>请删除控制字符（制表符、换行符或其他不可见字符）。</translation>
    </message>
    <message>
        <source>Set up the working-group case manager</source>
        <translation>设置工作组案件管理程序</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign in to the working-group case manager.</source>
        <translation>登录工作组案件管理系统。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P):</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
</context>
<context>
    <name>TransitionBar</name>
    <message>
        <source>Move to:</source>
        <translation>转为:</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Hide from lists; can be restored</source>
        <translation>从列表中隐藏；可恢复</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Records an outcome</source>
        <translation>记录结果</translation>
    </message>
</context>
<context>
    <name>TransitionDialog</name>
    <message>
        <source>{0}: {1} → {2}</source>
        <translation>{0}：{1} → {2}</translation>
    </message>
    <message>
        <source>Why the status changes (kept in the history)</source>
        <translation>状态变更原因（记入历史）</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Outcome *</source>
        <translation>结果 *</translation>
    </message>
    <message>
        <source>Duplicate of</source>
        <translation>重复于</translation>
    </message>
    <message>
        <source>Status note releasable to counterpart</source>
        <translation>状态说明可向对方提供</translation>
    </message>
    <message>
        <source>The comment may appear in the bilateral meeting packet</source>
        <translation>该说明可能出现在双边会议材料中</translation>
    </message>
    <message>
        <source>Change status</source>
        <translation>更改状态</translation>
    </message>
</context>
<context>
    <name>UserAdmin</name>
    <message>
        <source>Only administrators can manage user accounts.</source>
        <translation>只有管理员可以管理用户账户。</translation>
    </message>
    <message>
        <source>&amp;Add user…</source>
        <translation>添加用户(&amp;A)…</translation>
    </message>
    <message>
        <source>Change &amp;role…</source>
        <translation>更改角色(&amp;R)…</translation>
    </message>
    <message>
        <source>Reset &amp;password…</source>
        <translation>重置密码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>UserAdminDialog</name>
    <message>
        <source>User accounts</source>
        <translation>用户账户</translation>
    </message>
</context>
<context>
    <name>UserModel</name>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last signed in (UTC)</source>
        <translation>上次登录 (UTC)</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>正常</translation>
    </message>
</context>
</TS>
